#!/usr/bin/env python3
"""By-hand check of scripts/import_torch_example.py over every shape it accepts
(CI has no PyTorch; the committed fixture covers one of them for the Swift tests).

For RNN_TANH, RNN_RELU, LSTM and GRU, with 1 and 3 layers, tied and untied,
with and without biases, saved whole and as a state_dict: convert, then check
that scripts/torch_reference.py on the converted file gives the next-word
probabilities of the original model itself (float64, sequence first). Then the
refusals: a Transformer, a wrong data folder, an unknown rnn_type, a foreign
pickle; each must be one line and leave no file behind.

    /work/venv-torch/bin/python scripts/check_import_torch_example.py
"""

import contextlib
import io
import itertools
import os
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import import_torch_example as converter  # noqa: E402
from make_torch_example_fixture import DATA, RNNModel  # noqa: E402  (also registers model.RNNModel)
from torch_reference import compute_trace  # noqa: E402


def own_probabilities(model, ids):
    m = model.double().eval()
    with torch.no_grad():
        out, _ = m.rnn(m.encoder(torch.tensor(ids).view(-1, 1)))
        return torch.softmax(m.decoder(out[:, 0]), -1)


def refused(path, data, output, rnn_type=None):
    error = io.StringIO()
    with contextlib.redirect_stderr(error):
        status = converter.main([path, "--data", data, "--output", output] + (["--model", rnn_type] if rnn_type else []))
    lines = error.getvalue().strip().splitlines()
    assert status == 2 and len(lines) == 1 and not os.path.exists(output), (status, lines)
    return lines[0]


def main():
    vocabulary = converter.rebuild_vocabulary(DATA)
    text = "The dog sat on the mat . Anna fed the bird"
    ids = [vocabulary.index(w) for w in text.split()]
    checked = 0
    with tempfile.TemporaryDirectory() as work:
        for kind, layers, tied, bias, whole in itertools.product(
                ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"], [1, 3], [False, True], [True, False], [True, False]):
            torch.manual_seed(checked)
            model = RNNModel(kind, len(vocabulary), 6, 6, layers, dropout=0.0, tie_weights=tied)
            if not bias:
                model.rnn = type(model.rnn)(6, 6, layers, bias=False,
                                            **({"nonlinearity": "relu" if kind == "RNN_RELU" else "tanh"}
                                               if kind.startswith("RNN") else {}))
            with torch.no_grad():
                for p in model.parameters():
                    p.mul_(3)
            saved = os.path.join(work, "model.pt")
            torch.save(model if whole else model.state_dict(), saved)
            output = os.path.join(work, "model.safetensors")
            converter.convert(saved, DATA, output, given_type=None if whole else kind)
            got = compute_trace(output, ids=ids).probs
            want = own_probabilities(model, ids)
            assert torch.allclose(got, want, rtol=1e-9, atol=1e-12), (kind, layers, tied, bias, whole)
            os.remove(output)
            checked += 1
        print(f"{checked} conversions give the original model's probabilities")

        out = os.path.join(work, "never.safetensors")
        model = RNNModel("LSTM", len(vocabulary), 4, 4, 1)
        torch.save(model, os.path.join(work, "lstm.pt"))
        wrong = os.path.join(work, "wrong")
        os.makedirs(wrong)
        for split in ("train.txt", "valid.txt", "test.txt"):
            with open(os.path.join(wrong, split), "w") as f:
                f.write("a b c\n")
        print(refused(os.path.join(work, "lstm.pt"), wrong, out))
        print(refused(os.path.join(work, "lstm.pt"), DATA, out, "RNN_GELU"))
        print(refused(os.path.join(work, "lstm.pt"), DATA, out, "GRU"))
        torch.save({"encoder.weight": torch.zeros(3, 2), "transformer_encoder.layers.0.linear1.weight": torch.zeros(2, 2)},
                   os.path.join(work, "transformer.pt"))
        print(refused(os.path.join(work, "transformer.pt"), DATA, out))
        torch.save({"x": io.StringIO()}, os.path.join(work, "foreign.pt"))
        print(refused(os.path.join(work, "foreign.pt"), DATA, out))
    print("all refusals are one line and write nothing")


if __name__ == "__main__":
    main()
