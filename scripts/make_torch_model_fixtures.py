"""Writes tiny PyTorch model files for the ModelFile tests.

Each file is `safetensors.torch.save_file(model.state_dict(), ...)` of the
module the model-file contract names (embedding → rnn → head), so the tests
prove that a file made the way a user makes one opens in the tutor. Beside
them, expected.json holds every tensor widened to float32, as float lists.

    /work/.venv-torch/bin/python scripts/make_torch_model_fixtures.py
"""
import json
from pathlib import Path

import torch
from torch import nn
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ModelFileTests" / "Fixtures"


class Model(nn.Module):
    def __init__(self, cell, V, E, H, L, C):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        recurrent = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = recurrent(E, H, num_layers=L, batch_first=True)
        self.head = nn.Linear(H, C)


def make(name, cell, dtype, vocab, layers, hidden, embed, labels=None, **extra):
    torch.manual_seed(sum(map(ord, name)))
    classes = len(labels) if labels else len(vocab)
    model = Model(cell, len(vocab), embed, hidden, layers, classes).to(dtype)
    metadata = {"cell": cell, "task": "classify" if labels else "lm", "vocab": json.dumps(vocab), **extra}
    if labels:
        metadata["labels"] = json.dumps(labels)
    state = model.state_dict()
    save_file(state, OUT / f"{name}.safetensors", metadata=metadata)
    return {key: {"shape": list(t.shape), "values": t.float().flatten().tolist()} for key, t in state.items()}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {
        "lstm_f32_2layer": make(
            "lstm_f32_2layer", "lstm", torch.float32,
            ["<unk>", "the", "cat", "sat", "on", "mat", "."], layers=2, hidden=4, embed=3,
            lowercase="true", description="A two-layer LSTM from PyTorch"),
        "gru_f16": make(
            "gru_f16", "gru", torch.float16,
            ["<UNK>", "café", "naïve", "ΟΔΟΣ", "a", "b"], layers=1, hidden=3, embed=3, unk="<UNK>"),
        "rnn_bf16_classify": make(
            "rnn_bf16_classify", "rnn", torch.bfloat16,
            ["<unk>", "good", "bad", "not", "movie"], layers=1, hidden=3, embed=2,
            labels=["negative", "positive"]),
    }
    # The writer test compares the tutor's bytes with the reference writer's.
    save_file({"b": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4, "a": torch.tensor([-1.5])},
              OUT / "reference_writer.safetensors", metadata={"note": "written by safetensors"})
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    for path in OUT.iterdir():
        path.chmod(0o644)


if __name__ == "__main__":
    main()
