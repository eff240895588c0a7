#!/usr/bin/env python3
"""Write the `trace --jacobian` fixtures for the Swift TraceTests.

Each case is jacobian/NAME.safetensors (a small random model, fixed seed) and
jacobian/NAME.json:

    {"args": {"model": ..., "ids": [...], "loss_step": K | null, "whh_scale": S},
     "expected": {"loss_step": K, "layers": [{"sigma_max": [...], "forget_mean": [...],
                                              "bound": [...], "ratio": [...]}, ...]}}

Everything comes from PyTorch in float64, independently of the Swift engine:
each step's Jacobian is torch.autograd.functional.jacobian of PyTorch's own
nn.RNNCell / nn.GRUCell / nn.LSTMCell (for the LSTM, of the map
(h_{t-1}, c_{t-1}) -> (h_t, c_t)), its largest singular value is
torch.linalg.svdvals; the adjoints are autograd's, with every layer stepped by
its nn.*Cell so that each state is a node of the graph (the LSTM's c_t is
handed to the next step through its own node, so that its gradient is the
adjoint of the carried state, with h_t held fixed).

    /work/venv-torch/bin/python scripts/make_jacobian_fixtures.py [--out DIR]
"""

import argparse
import json
import os
import random
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_models import make_vocab, write_model  # noqa: E402
from torch_reference import CELL_CLASSES, _layer_params, load_model  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "Tests", "TraceTests", "Fixtures", "jacobian")

CASES = [
    ("rnn_1layer", dict(cell="rnn", layers=1, V=12, E=4, H=8), dict(ids=9)),
    ("rnn_whh_0_6", dict(cell="rnn", layers=1, V=12, E=4, H=8), dict(ids=12, whh_scale=0.6)),
    ("gru_1layer", dict(cell="gru", layers=1, V=14, E=5, H=7), dict(ids=9)),
    ("lstm_1layer", dict(cell="lstm", layers=1, V=16, E=5, H=6), dict(ids=10)),
    ("lstm_midstep", dict(cell="lstm", layers=1, V=16, E=5, H=9), dict(ids=11, loss_step=6)),
    ("lstm_2layer_whh_1_5", dict(cell="lstm", layers=2, V=18, E=5, H=7), dict(ids=9, whh_scale=1.5)),
    ("gru_2layer", dict(cell="gru", layers=2, V=20, E=6, H=10), dict(ids=8)),
    ("rnn_2layer_h20", dict(cell="rnn", layers=2, V=20, E=6, H=20), dict(ids=10, loss_step=7)),
]


def cells(model, whh_scale):
    out = []
    for k in range(model.layers):
        cell = CELL_CLASSES[model.cell](model.E if k == 0 else model.H, model.H, dtype=torch.float64)
        cell.load_state_dict(_layer_params(model, k, whh_scale, torch.float64), strict=True)
        out.append(cell)
    return out


def step(model, cell, x, state):
    """One step on a flat state: h, or h ++ c for the LSTM."""
    if model.cell == "lstm":
        h, c = state[: model.H], state[model.H:]
        h2, c2 = cell(x, (h, c))
        return torch.cat([h2, c2])
    return cell(x, state)


def reference(path, ids, loss_step, whh_scale):
    model = load_model(path)
    H, T = model.H, len(ids)
    K = T - 1 if loss_step is None else loss_step
    stack = cells(model, whh_scale)
    emb = model.tensors["embedding.weight"][torch.tensor(ids)]

    # Forward, every state a graph node; the LSTM's carried c gets its own node.
    inputs = emb
    layer_inputs, hs, carried_c, states = [], [], [], []
    for k, cell in enumerate(stack):
        layer_inputs.append(inputs.detach())
        h = torch.zeros(H, dtype=torch.float64)
        c = torch.zeros(H, dtype=torch.float64, requires_grad=True)
        hk, ck, sk = [], [], []
        for t in range(T):
            sk.append(torch.cat([h, c]).detach() if model.cell == "lstm" else h.detach())
            if model.cell == "lstm":
                c_in = c * 1.0
                ck.append(c_in)          # the adjoint of this node is dL/dc_{t-1}, h held
                h, c = cell(inputs[t], (h, c_in))
            else:
                h = cell(inputs[t], h)
            hk.append(h)
        hs.append(hk)
        carried_c.append(ck)
        states.append(sk)
        inputs = torch.stack(hk)

    logits = hs[-1][K] @ model.tensors["head.weight"].T + model.tensors["head.bias"]
    if model.task == "lm" and K < T - 1:
        target = ids[K + 1]
    else:
        p = logits.tolist()
        target = max(range(len(p)), key=lambda j: (p[j], -j))
    loss = F.cross_entropy(logits.unsqueeze(0), torch.tensor([target]))

    layers = []
    for k, cell in enumerate(stack):
        sigmas = []
        for t in range(T):
            x = layer_inputs[k][t]
            J = torch.autograd.functional.jacobian(lambda s: step(model, cell, x, s), states[k][t])
            sigmas.append(torch.linalg.svdvals(J)[0].item())
        nodes = list(hs[k]) + list(carried_c[k])
        grads = torch.autograd.grad(loss, nodes, allow_unused=True, retain_graph=True)
        zero = torch.zeros(H, dtype=torch.float64)
        gh = [g if g is not None else zero for g in grads[:T]]
        gc = [g if g is not None else zero for g in grads[T:]]   # gc[t] = adjoint of c_{t-1}
        norms = []
        for t in range(T):
            total = gh[t].pow(2).sum()
            if model.cell == "lstm" and t + 1 < T:
                total = total + gc[t + 1].pow(2).sum()
            norms.append(total.sqrt().item())
        bound, ratio = [0.0] * T, [0.0] * T
        product = 1.0
        for t in range(K, -1, -1):
            bound[t] = product
            product *= sigmas[t]
            ratio[t] = norms[t] / norms[K]
        entry = {"sigma_max": sigmas}
        if model.cell == "lstm":
            w, b = cell.weight_ih, cell.bias_ih
            forget = []
            for t in range(T):
                h_prev = states[k][t][:H]
                pre = layer_inputs[k][t] @ w.T + b + h_prev @ cell.weight_hh.T + cell.bias_hh
                forget.append(torch.sigmoid(pre[H:2 * H]).mean().item())
            entry["forget_mean"] = forget
        entry["bound"] = bound
        entry["ratio"] = ratio
        layers.append(entry)
    return {"loss_step": K, "layers": layers}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    for index, (name, model_cfg, trace_cfg) in enumerate(CASES):
        rng = random.Random(2000 + index)
        cfg = dict(model_cfg)
        vocab = make_vocab(cfg.pop("V"), rng)
        model_file = f"{name}.safetensors"
        path = os.path.join(out, model_file)
        write_model(path, seed=500 + index, vocab=vocab, task="lm", **cfg)
        os.chmod(path, 0o644)
        args = {"model": model_file, "ids": [rng.randrange(len(vocab)) for _ in range(trace_cfg["ids"])],
                "loss_step": trace_cfg.get("loss_step"), "whh_scale": trace_cfg.get("whh_scale", 1.0)}
        expected = reference(path, args["ids"], args["loss_step"], args["whh_scale"])
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump({"args": args, "expected": expected}, f, indent=1)
            f.write("\n")
        top = expected["layers"][-1]
        print(f"{name:22s} sigma_max {min(top['sigma_max']):.3f}..{max(top['sigma_max']):.3f}  "
              f"ratio[0] {top['ratio'][0]:.3g}  bound[0] {top['bound'][0]:.3g}")


if __name__ == "__main__":
    main()
