#!/usr/bin/env python3
"""Independent PyTorch reference for `rnn-tutor trace`.

The Swift engine is checked against this file, so it deliberately re-derives as
little as possible: the forward pass is PyTorch's own nn.RNN/nn.LSTM/nn.GRU, the
gradients are autograd's, and everything runs in float64 (F16/BF16 weights are
widened), as the spec model-and-trace.md (section 3) asks.  Only the gates are computed
by hand (nn.LSTM does not expose them), and the hand computation is asserted to
reproduce PyTorch's own states.

Use as a module:

    from torch_reference import reference_trace
    out = reference_trace("m.safetensors", text="the cat sat", loss_step=1)

or as a CLI that prints the same JSON as `rnn-tutor trace --format json`:

    torch_reference.py --model m.safetensors --ids 3,17,5 [--loss-step K]
                       [--target LABEL] [--whh-scale S]
"""

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors import safe_open

CELLS = {"rnn": 1, "lstm": 4, "gru": 3}  # cell -> G, gate rows per hidden unit
GATE_NAMES = {"rnn": [], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}
ALLOWED_DTYPES = (torch.float32, torch.float16, torch.bfloat16)

# The characters the spec sets apart as tokens of their own.
PUNCTUATION = '.,;:!?()"'
# Unicode White_Space (what Swift's Character.isWhitespace tests); Python's
# str.split() would also split on U+001C..U+001F, which are not white space.
WHITESPACE = re.compile(
    "[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


class ReferenceError(ValueError):
    """A bad argument, model file or text: the CLI reports it and exits 2."""


# --------------------------------------------------------------------------
# Model file
# --------------------------------------------------------------------------

@dataclass
class Model:
    path: str
    cell: str
    task: str
    vocab: list
    labels: list           # == vocab for lm
    unk: str
    lowercase: bool
    nonlinearity: str      # "tanh" or "relu" (plain RNN only)
    tokenizer: str         # "words" or "whitespace"
    eos: str               # the end-of-sentence entry, or None
    layers: int
    V: int
    E: int
    H: int
    C: int
    tensors: dict          # state_dict name -> tensor, widened to float64
    metadata: dict = field(default_factory=dict)

    def unk_id(self):
        return self.vocab.index(self.unk) if self.unk in self.vocab else None


def _json_string_list(meta, key, path):
    try:
        value = json.loads(meta[key])
    except (KeyError, json.JSONDecodeError) as e:
        raise ReferenceError(f"{path}: metadata '{key}' missing or not JSON ({e})")
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ReferenceError(f"{path}: metadata '{key}' is not an array of strings")
    if len(set(value)) != len(value):
        raise ReferenceError(f"{path}: metadata '{key}' has duplicate entries")
    return value


def load_model(path):
    """Read a spec model file: tensors (widened to float64) plus metadata.

    This is a reference for valid files, so it checks the contract only as far
    as needed to be sure it is computing the right thing.
    """
    try:
        with safe_open(path, framework="pt") as f:
            meta = f.metadata() or {}
            raw = {name: f.get_tensor(name) for name in f.keys()}
    except Exception as e:  # safetensors raises its own error type
        raise ReferenceError(f"{path}: cannot read the safetensors file ({e})")

    cell = meta.get("cell")
    if cell not in CELLS:
        raise ReferenceError(f"{path}: metadata 'cell' must be rnn, lstm or gru")
    task = meta.get("task")
    if task not in ("lm", "classify"):
        raise ReferenceError(f"{path}: metadata 'task' must be lm or classify")
    vocab = _json_string_list(meta, "vocab", path)
    labels = _json_string_list(meta, "labels", path) if task == "classify" else vocab
    unk = meta.get("unk", "<unk>")
    if "unk" in meta and unk not in vocab:
        raise ReferenceError(f"{path}: unk entry {unk!r} is not in the vocabulary")
    lowercase = meta.get("lowercase", "false")
    if lowercase not in ("true", "false"):
        raise ReferenceError(f"{path}: metadata 'lowercase' must be true or false")
    nonlinearity = meta.get("nonlinearity", "tanh")
    if nonlinearity not in ("tanh", "relu") or ("nonlinearity" in meta and cell != "rnn"):
        raise ReferenceError(f"{path}: metadata 'nonlinearity' must be tanh or relu, on an rnn only")
    tokenizer = meta.get("tokenizer", "words")
    if tokenizer not in ("words", "whitespace"):
        raise ReferenceError(f"{path}: metadata 'tokenizer' must be words or whitespace")
    eos = meta.get("eos")
    if eos is not None and eos not in vocab:
        raise ReferenceError(f"{path}: eos entry {eos!r} is not in the vocabulary")

    for name, t in raw.items():
        if t.dtype not in ALLOWED_DTYPES:
            raise ReferenceError(f"{path}: tensor {name} has dtype {t.dtype}")
    tensors = {name: t.to(torch.float64) for name, t in raw.items()}
    for name, t in tensors.items():
        if not torch.isfinite(t).all():
            raise ReferenceError(f"{path}: tensor {name} has non-finite values")

    G = CELLS[cell]
    V, E = tensors["embedding.weight"].shape
    C, H = tensors["head.weight"].shape
    layers = 0
    while f"rnn.weight_ih_l{layers}" in tensors:
        layers += 1

    # Exactly the spec's tensors, with the spec's shapes.
    expected = {"embedding.weight": (V, E), "head.weight": (C, H), "head.bias": (C,)}
    for k in range(layers):
        expected[f"rnn.weight_ih_l{k}"] = (G * H, E if k == 0 else H)
        expected[f"rnn.weight_hh_l{k}"] = (G * H, H)
        expected[f"rnn.bias_ih_l{k}"] = (G * H,)
        expected[f"rnn.bias_hh_l{k}"] = (G * H,)
    if layers == 0 or set(expected) != set(tensors):
        raise ReferenceError(
            f"{path}: tensors {sorted(set(tensors) ^ set(expected))} do not match the spec")
    for name, shape in expected.items():
        if tuple(tensors[name].shape) != shape:
            raise ReferenceError(
                f"{path}: {name} has shape {list(tensors[name].shape)}, expected {list(shape)}")
    if len(vocab) != V or len(labels) != C:
        raise ReferenceError(f"{path}: vocab/labels sizes do not match the tensors")

    return Model(path=path, cell=cell, task=task, vocab=vocab, labels=labels,
                 unk=unk, lowercase=(lowercase == "true"), nonlinearity=nonlinearity,
                 tokenizer=tokenizer, eos=eos, layers=layers,
                 V=V, E=E, H=H, C=C, tensors=tensors, metadata=meta)


# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------

def tokenize(model, text):
    """Spec tokenizer: punctuation set apart (not with tokenizer "whitespace"),
    split on white space, optional lowercasing, unknown words -> unk id (the
    token keeps its looked-up text).  The eos entry is never added."""
    if model.tokenizer == "words":
        for ch in PUNCTUATION:
            text = text.replace(ch, f" {ch} ")
    words = [w for w in WHITESPACE.split(text) if w]
    if model.lowercase:
        words = [w.lower() for w in words]
    if not words:
        raise ReferenceError("the text tokenizes to nothing")
    index = {w: i for i, w in enumerate(model.vocab)}
    ids = []
    for w in words:
        if w in index:
            ids.append(index[w])
        elif model.unk_id() is not None:
            ids.append(model.unk_id())
        else:
            raise ReferenceError(
                f"unknown word {w!r} and the vocabulary has no {model.unk!r} entry")
    return words, ids


# --------------------------------------------------------------------------
# Modules built from the file
# --------------------------------------------------------------------------

RNN_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
CELL_CLASSES = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


def _layer_params(model, k, whh_scale, dtype):
    t = model.tensors
    return {
        "weight_ih": t[f"rnn.weight_ih_l{k}"].to(dtype),
        # The lab's knob: every W_hh is scaled, forward and backward alike.
        "weight_hh": (t[f"rnn.weight_hh_l{k}"] * whh_scale).to(dtype),
        "bias_ih": t[f"rnn.bias_ih_l{k}"].to(dtype),
        "bias_hh": t[f"rnn.bias_hh_l{k}"].to(dtype),
    }


def _stack(model, layers, whh_scale, dtype):
    """nn.RNN/LSTM/GRU holding the file's first `layers` layers."""
    extra = {"nonlinearity": model.nonlinearity} if model.cell == "rnn" else {}
    rnn = RNN_CLASSES[model.cell](model.E, model.H, num_layers=layers,
                                  batch_first=True, dtype=dtype, **extra)
    state = {}
    for k in range(layers):
        for name, value in _layer_params(model, k, whh_scale, dtype).items():
            state[f"{name}_l{k}"] = value
    rnn.load_state_dict(state, strict=True)
    return rnn


def _top_cell(model, whh_scale, dtype):
    """nn.*Cell with the top layer's weights, to step it one t at a time."""
    k = model.layers - 1
    input_size = model.E if k == 0 else model.H
    extra = {"nonlinearity": model.nonlinearity} if model.cell == "rnn" else {}
    cell = CELL_CLASSES[model.cell](input_size, model.H, dtype=dtype, **extra)
    cell.load_state_dict(_layer_params(model, k, whh_scale, dtype), strict=True)
    return cell


def _gates(model, cell, x, h_prev, c_prev):
    """The top layer's gates by hand from its weights (nn.LSTM hides them).

    Returns (gates dict, h_t, c_t) so the caller can check them against PyTorch.
    """
    gi = x @ cell.weight_ih.T + cell.bias_ih
    gh = h_prev @ cell.weight_hh.T + cell.bias_hh
    if model.cell == "rnn":
        act = torch.relu if model.nonlinearity == "relu" else torch.tanh
        return {}, act(gi + gh), None
    if model.cell == "lstm":
        i, f, g, o = (gi + gh).chunk(4)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c_prev + i * g
        return {"i": i, "f": f, "g": g, "o": o}, o * torch.tanh(c), c
    # GRU: the reset gate multiplies W_hn h + b_hn, PyTorch's variant.
    ir, iz, in_ = gi.chunk(3)
    hr, hz, hn = gh.chunk(3)
    r = torch.sigmoid(ir + hr)
    z = torch.sigmoid(iz + hz)
    n = torch.tanh(in_ + r * hn)
    return {"r": r, "z": z, "n": n}, (1 - z) * n + z * h_prev, None


# --------------------------------------------------------------------------
# The trace
# --------------------------------------------------------------------------

@dataclass
class Trace:
    model: Model
    tokens: list
    ids: list
    h: torch.Tensor            # [T, H], top layer
    c: torch.Tensor            # [T, H] or None
    gates: dict                # name -> [T, H]
    probs: torch.Tensor        # [T, C], full softmax
    loss_step: int
    target_id: int
    loss: float
    grad_h: torch.Tensor       # [T]
    grad_c: torch.Tensor       # [T] or None

    def top(self, t, n=5):
        """Indices of the n most likely outputs at step t; ties: lower id first."""
        p = self.probs[t].tolist()
        key = lambda j: (-p[j] if not math.isnan(p[j]) else math.inf, j)
        return sorted(range(len(p)), key=key)[:n]


def _assert_close(what, a, b, dtype):
    # float64 runs must agree to rounding; float32 (used by the comparison
    # script to detect chaotic inputs) is not asserted on.
    if dtype != torch.float64:
        return
    if not torch.allclose(a, b, rtol=1e-7, atol=1e-9, equal_nan=True):
        diff = (a - b).abs().max().item()
        raise AssertionError(f"reference self-check failed: {what} differs by {diff:g}")


def resolve_target(model, target):
    """--target: the label matched exactly; on a lowercasing model, lowercased
    first if it does not match."""
    if target in model.labels:
        return model.labels.index(target)
    if model.lowercase and target.lower() in model.labels:
        return model.labels.index(target.lower())
    raise ReferenceError(f"--target {target!r} is not a label of this model")


@torch.enable_grad()  # autograd is needed even if the caller is in no_grad
def compute_trace(model, ids=None, text=None, loss_step=None, target=None,
                  whh_scale=1.0, *, dtype=torch.float64, target_id=None):
    """Run the trace and return a Trace with full tensors.

    `model` is a path or a loaded Model.  `dtype` float32 is for the comparison
    script's chaos check only; `target_id` forces the loss target (used when the
    engine legitimately picked the other side of a near tie).
    """
    if not isinstance(model, Model):
        model = load_model(model)
    if (ids is None) == (text is None):
        raise ReferenceError("give exactly one of ids and text")
    if text is not None:
        tokens, ids = tokenize(model, text)
    else:
        ids = list(ids)
        if not ids:
            raise ReferenceError("--ids is empty")
        for i in ids:
            if not (isinstance(i, int) and 0 <= i < model.V):
                raise ReferenceError(f"token id {i} is outside 0..{model.V - 1}")
        tokens = [model.vocab[i] for i in ids]
    T = len(ids)
    whh_scale = float(whh_scale)
    if not (math.isfinite(whh_scale) and whh_scale >= 0):
        raise ReferenceError("--whh-scale must be finite and >= 0")
    K = T - 1 if loss_step is None else loss_step
    if not (isinstance(K, int) and 0 <= K < T):
        raise ReferenceError(f"--loss-step must lie in 0...{T - 1}")

    embedding = nn.Embedding.from_pretrained(model.tensors["embedding.weight"].to(dtype))
    head = nn.Linear(model.H, model.C, dtype=dtype)
    head.load_state_dict({"weight": model.tensors["head.weight"].to(dtype),
                          "bias": model.tensors["head.bias"].to(dtype)})
    x = embedding(torch.tensor([ids]))                        # [1, T, E]

    with torch.no_grad():
        # PyTorch's own module gives the reported top-layer h_t.
        out, _ = _stack(model, model.layers, whh_scale, dtype)(x)
        h_module = out[0]                                     # [T, H]
        # The top layer's input: embedding, or the lower layers' output.
        if model.layers == 1:
            x_top = x[0]
        else:
            x_top = _stack(model, model.layers - 1, whh_scale, dtype)(x)[0][0]
        probs = torch.softmax(head(h_module), dim=-1)         # [T, C]

    # Step the top layer one t at a time, twice, so that every h_t (and c_t)
    # is a node of an autograd graph and d loss / d state is the full BPTT
    # adjoint (the recurrence included):
    #  A. PyTorch's nn.*Cell: gives grad_norm.h with no hand-written equation.
    #  B. The gates by hand (_gates): gives the gates and grad_norm.c.  It is
    #     needed because nn.LSTMCell returns h_t and c_t as sibling outputs of
    #     one fused op, so autograd w.r.t. its c_t would miss the path through
    #     h_t.  B is checked against A (states and h adjoints) and the module.
    cell = _top_cell(model, whh_scale, dtype)
    zeros = torch.zeros(model.H, dtype=dtype)
    hA, hB, cB = [], [], []
    gates = {name: [] for name in GATE_NAMES[model.cell]}
    h_a, h_b, c_a, c_b = zeros, zeros, zeros, zeros
    for t in range(T):
        if model.cell == "lstm":
            h_a, c_a = cell(x_top[t], (h_a, c_a))
        else:
            h_a = cell(x_top[t], h_a)
        g, h_b, c_new = _gates(model, cell, x_top[t], h_b, c_b)
        c_b = c_new if c_new is not None else c_b
        with torch.no_grad():
            _assert_close(f"h[{t}] (cell vs module)", h_a, h_module[t], dtype)
            _assert_close(f"h[{t}] (by hand vs cell)", h_b, h_a, dtype)
            if model.cell == "lstm":
                _assert_close(f"c[{t}] (by hand vs cell)", c_b, c_a, dtype)
        for name in gates:
            gates[name].append(g[name].detach())
        hA.append(h_a)
        hB.append(h_b)
        cB.append(c_b)

    # Target: --target, else lm's next token (if K is not last), else the
    # model's own top prediction at K (ties: lower id).
    if target_id is None:
        if target is not None:
            target_id = resolve_target(model, target)
        elif model.task == "lm" and K < T - 1:
            target_id = ids[K + 1]
        else:
            p = probs[K].tolist()
            target_id = max(range(model.C), key=lambda j: (p[j], -j))

    def loss_at(h_K):
        logits = head(h_K)
        return F.cross_entropy(logits.unsqueeze(0), torch.tensor([target_id])), logits

    # Total adjoints; states after K do not reach the loss (None -> 0).
    def norms(loss, states):
        grads = torch.autograd.grad(loss, states, allow_unused=True, retain_graph=True)
        out = [torch.linalg.vector_norm(g).item() if g is not None else 0.0 for g in grads]
        return torch.tensor([x if t <= K else 0.0 for t, x in enumerate(out)],
                            dtype=torch.float64)

    loss_a, logits = loss_at(hA[K])
    grad_h = norms(loss_a, hA)
    loss_b, _ = loss_at(hB[K])
    grad_c = norms(loss_b, cB) if model.cell == "lstm" else None
    if dtype == torch.float64:
        _assert_close("grad_norm.h (by hand vs cell)", norms(loss_b, hB), grad_h, dtype)
    with torch.no_grad():
        _assert_close("probabilities (cells vs module)",
                      torch.softmax(logits, -1), probs[K], dtype)

    return Trace(
        model=model, tokens=tokens, ids=ids,
        h=h_module.detach(),
        c=torch.stack(cB).detach() if model.cell == "lstm" else None,
        gates={k: torch.stack(v) for k, v in gates.items()},
        probs=probs, loss_step=K, target_id=target_id, loss=loss_a.item(),
        grad_h=grad_h, grad_c=grad_c,
    )


# --------------------------------------------------------------------------
# JSON in the spec's shape
# --------------------------------------------------------------------------

def number(x):
    """A JSON value for a float: non-finite values become strings."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def numbers(v):
    return [number(x) for x in v.tolist()]


def trace_to_json(tr):
    m = tr.model
    steps = []
    for t in range(len(tr.ids)):
        step = {"h": numbers(tr.h[t])}
        if m.cell == "lstm":
            step["c"] = numbers(tr.c[t])
        if m.cell != "rnn":
            step["gates"] = {name: numbers(v[t]) for name, v in tr.gates.items()}
        step["top"] = [{"label": m.labels[j], "p": number(tr.probs[t, j])}
                       for j in tr.top(t)]
        steps.append(step)
    grad_norm = {"h": numbers(tr.grad_h)}
    if m.cell == "lstm":
        grad_norm["c"] = numbers(tr.grad_c)
    return {
        "cell": m.cell, "layers": m.layers, "hidden_size": m.H,
        "tokens": tr.tokens, "ids": tr.ids,
        "steps": steps,
        "loss": {"step": tr.loss_step, "target": m.labels[tr.target_id],
                 "target_id": tr.target_id, "value": number(tr.loss)},
        "grad_norm": grad_norm,
    }


def reference_trace(model_path, ids=None, text=None, loss_step=None, target=None,
                    whh_scale=1.0):
    """The spec's `trace` JSON object (as a dict), computed with PyTorch."""
    return trace_to_json(compute_trace(model_path, ids=ids, text=text,
                                       loss_step=loss_step, target=target,
                                       whh_scale=whh_scale))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--text")
    src.add_argument("--ids", help="comma-separated token ids, e.g. 3,17,5")
    ap.add_argument("--loss-step", type=int)
    ap.add_argument("--target")
    ap.add_argument("--whh-scale", type=float, default=1.0)
    args = ap.parse_args(argv)
    try:
        ids = None
        if args.ids is not None:
            try:
                ids = [int(s) for s in args.ids.split(",")]
            except ValueError:
                raise ReferenceError(f"--ids {args.ids!r} is not a list of integers")
        out = reference_trace(args.model, ids=ids, text=args.text,
                              loss_step=args.loss_step, target=args.target,
                              whh_scale=args.whh_scale)
    except (ReferenceError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
