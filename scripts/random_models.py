"""Random model files in the spec's layout, for fixtures and the comparison bench.

The weights come from PyTorch's own default init (so they look like an
untrained PyTorch model a user might bring), scaled up so that gates are not
all close to 0.5 and a wrong equation shows.
"""

import json

import torch
import torch.nn as nn
from safetensors.torch import save_file

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}

# Simple words for vocabularies and texts (all lowercase, no punctuation).
WORDS = """the a cat dog sat ran on in mat big small red blue old new
house tree bird fish saw ate was is and but not very quick slow man woman
child ball park day night sun moon rain cold warm green walked looked under
over near far happy sad car road went came home book read wrote""".split()
PUNCT_TOKENS = [".", ",", "!", "?"]
CLASS_LABELS = ["positive", "negative", "neutral", "question", "command",
                "greeting", "other", "sport"]


def make_vocab(V, rng, unk="<unk>", punctuation=True):
    """V distinct simple tokens; the unk entry first (when given), then a few
    punctuation marks (when asked), then words in a random order."""
    vocab = [unk] if unk is not None else []
    if punctuation:
        vocab += PUNCT_TOKENS[: max(0, min(len(PUNCT_TOKENS), V - len(vocab) - 2))]
    words = WORDS[:]
    rng.shuffle(words)
    i = 0
    while len(vocab) < V:
        # Past the word list, make more words ("cat2") rather than fail.
        w = words[i % len(words)] + ("" if i < len(words) else str(i // len(words)))
        vocab.append(w)
        i += 1
    return vocab


def write_model(path, *, seed, cell, layers, vocab, E, H, task="lm", labels=None,
                dtype="F32", lowercase=None, unk=None, weight_scale=2.0,
                description=None):
    """Write a random model to `path` and return its metadata dict.

    `unk`, `lowercase` and `description` are written only when given, so the
    defaults of the spec are exercised too.
    """
    torch.manual_seed(seed)
    V = len(vocab)
    C = V if task == "lm" else len(labels)
    embedding = nn.Embedding(V, E)
    rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](
        E, H, num_layers=layers, batch_first=True)
    head = nn.Linear(H, C)
    with torch.no_grad():
        # Default init is U(-1/sqrt(H), 1/sqrt(H)); scale so gates saturate a bit.
        for p in list(rnn.parameters()) + list(head.parameters()):
            p.mul_(weight_scale)

    tensors = {}
    for prefix, module in (("embedding", embedding), ("rnn", rnn), ("head", head)):
        for name, t in module.state_dict().items():
            tensors[f"{prefix}.{name}"] = t.to(DTYPES[dtype]).contiguous()

    meta = {"cell": cell, "task": task, "vocab": json.dumps(vocab)}
    if task == "classify":
        meta["labels"] = json.dumps(labels)
    if unk is not None:
        meta["unk"] = unk
    if lowercase is not None:
        meta["lowercase"] = "true" if lowercase else "false"
    if description is not None:
        meta["description"] = description
    save_file(tensors, path, metadata=meta)
    _sort_metadata(path)
    return meta


def _sort_metadata(path):
    """safetensors writes __metadata__ in hash order, so the same model gives
    different bytes on each run; sort it in place (same header length) so that
    regenerated fixtures do not churn."""
    with open(path, "r+b") as f:
        n = int.from_bytes(f.read(8), "little")
        header_text = f.read(n).decode("utf-8")
        header = json.loads(header_text)
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        # Keep __metadata__ first, as safetensors writes it.
        new = json.dumps(header, separators=(",", ":"), ensure_ascii=False)
        new = new.ljust(len(header_text)).encode("utf-8")  # the writer pads with spaces
        if len(new) == n:
            f.seek(8)
            f.write(new)
