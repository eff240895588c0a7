#!/usr/bin/env python3
"""Does any hidden unit of a shipped model track being inside a quotation, or
inside a relative clause?  Measures it on the held-out text, with the score
that `rnn-tutor units` ranks by:

    score(u) = (mean of h_u over the span - mean outside) / std of h_u over the sentence

Spans, found automatically in data/corpus/test.txt:
  quote   the words between a pair of quotation marks (the marks themselves outside)
  clause  from "who" / "which" / "whom" / "whose" after a comma up to the next comma
          or the end mark (exclusive)
Two chance baselines, so that a unit that merely follows position in the
sentence is not mistaken for one that follows the quotation: spans of the same
length at random places in the same sentences ("random place"), and the same
steps a:b in sentences of the same length that have no such span ("same
place, no quote").  "mid" keeps only spans that start at step 2 or later.

    /work/venv-torch/bin/python scripts/measure_span_units.py [--models rnn lstm gru] [--layer -1]
"""

import argparse
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import _stack, load_model, tokenize  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def spans(words, kind):
    if kind == "quote":
        marks = [i for i, w in enumerate(words) if w == '"']
        out = []
        for a, b in zip(marks[0::2], marks[1::2]):
            if b - a >= 2:
                out.append((a + 1, b))
        return out
    out = []
    for i, w in enumerate(words):
        if w in ("who", "which", "whom", "whose") and i > 0 and words[i - 1] == ",":
            j = i + 1
            while j < len(words) and words[j] not in (",", ".", "!", "?", ";"):
                j += 1
            if j - i >= 2:
                out.append((i, j))
    return out


def scores(h, a, b):
    """h: [T, H]; the score of every unit for the span a:b."""
    inside = h[a:b].mean(0)
    mask = torch.ones(h.shape[0], dtype=torch.bool)
    mask[a:b] = False
    outside = h[mask].mean(0)
    sd = h.std(0, unbiased=False)
    return torch.where(sd > 1e-12, (inside - outside) / sd, torch.zeros_like(sd))


def hidden(model, stack, emb, ids):
    with torch.no_grad():
        out, _ = stack(emb[torch.tensor(ids)].unsqueeze(0))
    return out[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", nargs="+", default=["rnn", "lstm", "gru", "lstm2"])
    p.add_argument("--layer", type=int, default=-1, help="0-based; -1: the top layer")
    p.add_argument("--mid", action="store_true", help="only spans starting at step 2 or later")
    args = p.parse_args()
    lines = [l for l in open(os.path.join(ROOT, "data/corpus/test.txt"), encoding="utf-8").read().split("\n") if l.strip()]
    for name in args.models:
        path = os.path.join(ROOT, "models", f"{name}.safetensors")
        if not os.path.exists(path):
            continue
        model = load_model(path)
        depth = model.layers if args.layer < 0 else args.layer + 1
        stack = _stack(model, depth, 1.0, torch.float32)
        emb = model.tensors["embedding.weight"].to(torch.float32)
        tokenized = [tokenize(model, line) for line in lines]
        for kind in ("quote", "clause"):
            rng = random.Random(1)
            plain_by_length = {}
            for words, ids in tokenized:
                if not spans(words, kind):
                    plain_by_length.setdefault(len(words), []).append(ids)
            per_unit, random_place, same_place = [], [], []
            for words, ids in tokenized:
                found = [(a, b) for a, b in spans(words, kind) if b - a < len(words) and (not args.mid or a >= 2)]
                if not found:
                    continue
                h = hidden(model, stack, emb, ids)
                for a, b in found:
                    per_unit.append(scores(h, a, b))
                    n = b - a
                    start = rng.randrange(0, len(words) - n + 1)
                    random_place.append(scores(h, start, start + n))
                    others = plain_by_length.get(len(words))
                    if others:
                        same_place.append(scores(hidden(model, stack, emb, rng.choice(others)), a, b))
            if not per_unit:
                print(f"{name} {kind}: no spans")
                continue
            s = torch.stack(per_unit)            # [N, H]
            mean = s.mean(0)
            best = int(mean.abs().argmax())
            sign = 1 if mean[best] > 0 else -1
            consistent = (s[:, best] * sign > 0.5).float().mean().item()
            top5 = (s.abs().argsort(1, descending=True)[:, :5] == best).any(1).float().mean().item()
            line = (f"{name:5s} L{depth - 1} {kind:6s}{' mid' if args.mid else ''} spans={len(per_unit):4d}  "
                    f"best unit {best:3d}: mean score {mean[best]:+.2f} (> 0.5 same sign in {consistent:.0%}, "
                    f"top 5 in {top5:.0%}); 2nd best |mean| {sorted(mean.abs().tolist())[-2]:.2f}")
            for label, base in (("random place", random_place), ("same place, no quote" if kind == "quote" else "same place, no clause", same_place)):
                if base:
                    b = torch.stack(base).mean(0)
                    line += f"; {label} (n={len(base)}): unit {best} {b[best]:+.2f}, best |mean| {b.abs().max():.2f}"
            print(line)


if __name__ == "__main__":
    main()
