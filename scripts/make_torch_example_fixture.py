#!/usr/bin/env python3
"""Write the fixture that proves a model from PyTorch's word-language-model example
opens in the tutor and runs exactly as it ran in PyTorch.

It trains a tiny language model with a class of our own written the way the
example's `model.RNNModel` is (attributes drop/encoder/rnn/decoder, sequence
first, tied weights, a two-layer ReLU RNN), on the small corpus in
Tests/TraceTests/Fixtures/torch_example_data, pickles the whole model as the
example's main.py does, converts it with scripts/import_torch_example.py, and
records what *that PyTorch model itself* computes (float64 forward and
autograd) in the `trace` JSON format:

    torch_example_relu.safetensors    the converted model
    torch_example_relu*.json          {"args": ..., "expected": ...}, read by PyTorchAgreementTests

As a second opinion it checks that scripts/torch_reference.py, reading the
converted file, agrees with the model's own numbers.

    /work/venv-torch/bin/python scripts/make_torch_example_fixture.py
"""

import copy
import json
import math
import os
import sys
import tempfile
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import import_torch_example  # noqa: E402
from make_trace_fixtures import readable_json  # noqa: E402
from torch_reference import compute_trace, number, numbers, trace_to_json  # noqa: E402

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "Tests", "TraceTests", "Fixtures"))
DATA = os.path.join(FIXTURES, "torch_example_data")
NAME = "torch_example_relu"


class RNNModel(nn.Module):
    """Our own class, shaped like the example's: the same attribute names and
    constructor arguments, so its pickle and state_dict look like the real one's."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ("LSTM", "GRU"):
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            activation = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=activation, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight   # one matrix reads words in and scores them out
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def forward(self, words, hidden):
        """words: [T, B] (sequence first, as the example)."""
        states, hidden = self.rnn(self.drop(self.encoder(words)), hidden)
        return F.log_softmax(self.decoder(self.drop(states)).view(-1, self.ntoken), dim=1), hidden

    def init_hidden(self, batch):
        return torch.zeros(self.nlayers, batch, self.nhid)


# The pickle names the class by module and name; the example's is model.RNNModel.
RNNModel.__module__ = "model"
sys.modules["model"] = types.SimpleNamespace(RNNModel=RNNModel)


def corpus_ids(vocabulary):
    """The training text as one id stream, as the example's Corpus makes it."""
    index = {w: i for i, w in enumerate(vocabulary)}
    with open(os.path.join(DATA, "train.txt"), encoding="utf8") as f:
        return torch.tensor([index[w] for line in f for w in line.split() + ["<eos>"]])


def train(vocabulary):
    torch.manual_seed(7)
    model = RNNModel("RNN_RELU", len(vocabulary), 12, 12, 2, dropout=0.1, tie_weights=True)
    stream = corpus_ids(vocabulary)
    batch, bptt = 4, 8
    columns = stream[: len(stream) // batch * batch].view(batch, -1).t().contiguous()   # [N, B]
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for epoch in range(12):
        hidden = model.init_hidden(batch)
        for start in range(0, columns.size(0) - 1, bptt):
            length = min(bptt, columns.size(0) - 1 - start)
            inputs, targets = columns[start:start + length], columns[start + 1:start + 1 + length].reshape(-1)
            hidden = hidden.detach()
            optimizer.zero_grad()
            log_probs, hidden = model(inputs, hidden)
            loss = F.nll_loss(log_probs, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25 * 4)
            optimizer.step()
    print(f"trained: last batch loss {loss.item():.3f} (uniform would be {math.log(len(vocabulary)):.3f})")
    return model.eval()


@torch.enable_grad()
def own_trace(model, vocabulary, text, loss_step=None, target=None):
    """What the trained model itself computes, in float64, in the `trace` JSON shape.

    The top layer's h_t must be one autograd node that feeds both the decoder
    and the next step, so the module is stepped one word at a time and the next
    step's state is built from the top layer's output (for the lower layers the
    module's own h_n is used)."""
    m = copy.deepcopy(model).double().eval()
    words = text.split()   # the whitespace tokenizer; <eos> is never added
    ids = [vocabulary.index(w) for w in words]
    T = len(ids)
    K = T - 1 if loss_step is None else loss_step
    hidden = torch.zeros(m.nlayers, 1, m.nhid, dtype=torch.float64)
    tops, logits = [], []
    for t in range(T):
        out, h_n = m.rnn(m.encoder(torch.tensor([[ids[t]]])), hidden)
        top = out[0, 0]
        tops.append(top)
        logits.append(m.decoder(top))
        hidden = torch.cat([h_n[:-1], top.view(1, 1, -1)])
    probs = [torch.softmax(z, -1).detach() for z in logits]
    if target is not None:
        target_id = vocabulary.index(target)
    elif K < T - 1:
        target_id = ids[K + 1]
    else:
        p = probs[K].tolist()
        target_id = max(range(len(p)), key=lambda j: (p[j], -j))
    loss = F.cross_entropy(logits[K].unsqueeze(0), torch.tensor([target_id]))
    grads = torch.autograd.grad(loss, tops, allow_unused=True)
    grad_h = [torch.linalg.vector_norm(g).item() if (g is not None and t <= K) else 0.0 for t, g in enumerate(grads)]

    def top5(p):
        values = p.tolist()
        return sorted(range(len(values)), key=lambda j: (-values[j], j))[:5]

    return {
        "cell": "rnn", "layers": m.nlayers, "hidden_size": m.nhid, "tokens": words, "ids": ids,
        "steps": [{"h": numbers(tops[t].detach()),
                   "top": [{"label": vocabulary[j], "p": number(probs[t][j])} for j in top5(probs[t])]}
                  for t in range(T)],
        "loss": {"step": K, "target": vocabulary[target_id], "target_id": target_id, "value": number(loss.item())},
        "grad_norm": {"h": [number(x) for x in grad_h]},
    }


def agree(a, b, where="$"):
    """Numbers within 1e-9 relative, everything else equal (float64 against float64)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), f"{where}: keys differ"
        for k in a:
            agree(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            agree(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert abs(a - b) <= 1e-9 + 1e-9 * abs(b), f"{where}: {a} vs {b}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


CASES = [
    # Case kept, punctuation attached to its word; the default loss: the model's own top guess.
    ("", dict(text="Anna saw the dog sat by the door .")),
    # The loss aimed at the end of the sentence, where the model does not expect it.
    ("_eos_target", dict(text="The cat sat on the", target="<eos>")),
    # A loss in the middle: the target is the next word.
    ("_midstep", dict(text="The dog ran to the park , and the bird sang .", loss_step=4)),
]


def main():
    vocabulary = import_torch_example.rebuild_vocabulary(DATA)
    model = train(vocabulary)
    model_file = f"{NAME}.safetensors"
    with tempfile.TemporaryDirectory() as work:
        saved = os.path.join(work, "model.pt")
        with open(saved, "wb") as f:
            torch.save(model, f)   # the whole model, as main.py saves it
        print(import_torch_example.convert(saved, DATA, os.path.join(FIXTURES, model_file),
                                           description="a tiny ReLU RNN shaped like PyTorch's word-language-model example"))
    for suffix, case in CASES:
        args = {"model": model_file, "text": case["text"], "loss_step": case.get("loss_step"),
                "target": case.get("target"), "whh_scale": 1.0}
        expected = own_trace(model, vocabulary, case["text"], case.get("loss_step"), case.get("target"))
        second = trace_to_json(compute_trace(os.path.join(FIXTURES, model_file), text=case["text"],
                                             loss_step=case.get("loss_step"), target=case.get("target")))
        agree(json.loads(json.dumps(second)), json.loads(json.dumps(expected)))
        with open(os.path.join(FIXTURES, f"{NAME}{suffix}.json"), "w") as f:
            f.write(readable_json({"args": args, "expected": expected}))
        print(f"{NAME}{suffix}: loss {expected['loss']['value']:.4f} → {expected['loss']['target']!r}, "
              f"grad_norm.h {[round(x, 4) for x in expected['grad_norm']['h']]}")


if __name__ == "__main__":
    main()
