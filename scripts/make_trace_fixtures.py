#!/usr/bin/env python3
"""Write the `trace` fixtures for the Swift TraceTests.

Each case is NAME.safetensors (a small random model, fixed seed) and NAME.json:

    {"args": {"model": "NAME.safetensors", "ids": [...] | "text": "...",
              "loss_step": K | null, "target": LABEL | null, "whh_scale": S},
     "expected": <what torch_reference.py prints for those arguments>}

Run from anywhere (the output does not depend on the machine):

    /work/.venv-torch/bin/python scripts/make_trace_fixtures.py [--out DIR]
"""

import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_models import CLASS_LABELS, make_vocab, write_model  # noqa: E402
from torch_reference import compute_trace, trace_to_json  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "Tests", "TraceTests", "Fixtures")

# Explicit vocabulary for the lowercasing case, so that "The Cat" style text
# only matches after lowercasing and "dog" / "!" are unknown.
LOWERCASE_VOCAB = ["<unk>", "the", "cat", "sat", "on", "mat", ".", "a", "big",
                   "ran", "home", ","]
# For the classifier with a custom unk entry: "red" and "quickly" are unknown.
OOV_VOCAB = ["<oov>", "a", "big", "small", "car", "went", "came", "home", ".",
             "dog", "the", "ran", "slow", "blue", "road"]

# name, model settings, trace arguments.  "ids": n means n random ids.
CASES = [
    ("rnn_lm_1layer", dict(cell="rnn", layers=1, V=10, E=3, H=4, task="lm"),
     dict(ids=6)),
    ("lstm_lm_1layer", dict(cell="lstm", layers=1, V=20, E=6, H=8, task="lm"),
     dict(ids=7)),
    ("gru_lm_1layer", dict(cell="gru", layers=1, V=16, E=5, H=6, task="lm"),
     dict(ids=6)),
    # Classifier read from text; the default target is its own top prediction.
    ("rnn_classify_2layer", dict(cell="rnn", layers=2, V=24, E=8, H=10,
                                 task="classify", C=3),
     dict(text_words=7)),
    # C = 5: "top" is exactly all labels.
    ("lstm_classify_2layer", dict(cell="lstm", layers=2, V=30, E=7, H=9,
                                  task="classify", C=5),
     dict(ids=6)),
    ("gru_lm_2layer", dict(cell="gru", layers=2, V=40, E=10, H=12, task="lm"),
     dict(ids=8)),
    # Half-precision weights are widened on load.
    ("lstm_lm_f16", dict(cell="lstm", layers=1, V=14, E=4, H=6, task="lm",
                         dtype="F16"),
     dict(ids=6)),
    # Lowercasing model: "The Cat" finds "the", "cat"; "dog" and "!" -> <unk>.
    ("gru_lowercase_text", dict(cell="gru", layers=1, vocab=LOWERCASE_VOCAB, E=5,
                                H=6, task="lm", lowercase=True),
     dict(text="The Cat sat on the Mat. The Dog ran home!")),
    # Vanishing gradients: grad_norm.h shrinks going back in time.
    ("rnn_whh_0_5", dict(cell="rnn", layers=1, V=12, E=4, H=8, task="lm"),
     dict(ids=12, whh_scale=0.5)),
    # Larger recurrent weights on a two-layer LSTM.
    ("lstm_whh_1_7", dict(cell="lstm", layers=2, V=18, E=5, H=7, task="lm"),
     dict(ids=10, whh_scale=1.7)),
    # Explicit --target: the least likely label, not the top prediction.
    ("gru_classify_target", dict(cell="gru", layers=1, V=20, E=6, H=8,
                                 task="classify", C=4),
     dict(ids=7, target="least likely")),
    # Loss in the middle of an lm sequence: the target is the next token.
    ("lstm_lm_midstep", dict(cell="lstm", layers=1, V=16, E=5, H=6, task="lm"),
     dict(ids=9, loss_step=4)),
    # BF16, lowercasing classifier with 2 labels, a custom unk entry, and a
    # --target that only matches after lowercasing.
    ("rnn_bf16_lowercase_target",
     dict(cell="rnn", layers=2, vocab=OOV_VOCAB, E=4, H=5, task="classify", C=2,
          dtype="BF16", lowercase=True, unk="<oov>"),
     dict(text="A Big Red Car went Home quickly", target="POSITIVE", whh_scale=1.2)),
]


def readable_json(obj):
    """Indented JSON, but with each list of numbers or strings on one line so
    that a step reads as a few lines.  Floats keep full precision (repr)."""
    text = json.dumps(obj, indent=1, allow_nan=False)
    flat = re.compile(r'\[\n\s*((?:(?:-?[0-9][0-9.eE+-]*|"(?:[^"\\\n]|\\.)*")'
                      r',\n\s*)*(?:-?[0-9][0-9.eE+-]*|"(?:[^"\\\n]|\\.)*"))\n\s*\]')
    text = flat.sub(lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text)
    # {"label": ..., "p": ...} entries of "top" on one line each.
    top = re.compile(r'\{\n\s*("label": "(?:[^"\\\n]|\\.)*"),\n\s*("p": [^\n]*)\n\s*\}')
    return top.sub(lambda m: "{" + m.group(1) + ", " + m.group(2) + "}", text) + "\n"


def make_case(out_dir, index, name, model_cfg, trace_cfg):
    rng = random.Random(1000 + index)
    cfg = dict(model_cfg)
    unk = cfg.pop("unk", None)
    vocab = cfg.pop("vocab", None) or make_vocab(cfg.pop("V"), rng, unk=unk or "<unk>")
    cfg.pop("V", None)
    C = cfg.pop("C", None)
    labels = CLASS_LABELS[:C] if C else None
    model_file = f"{name}.safetensors"
    model_path = os.path.join(out_dir, model_file)
    write_model(model_path, seed=index + 1, vocab=vocab, labels=labels, unk=unk, **cfg)
    os.chmod(model_path, 0o644)  # safetensors writes 0600; these are repo files

    args = {"model": model_file}
    if "ids" in trace_cfg:
        args["ids"] = [rng.randrange(len(vocab)) for _ in range(trace_cfg["ids"])]
    elif "text_words" in trace_cfg:
        words = [w for w in vocab if w != (unk or "<unk>")]
        args["text"] = " ".join(rng.choice(words) for _ in range(trace_cfg["text_words"]))
    else:
        args["text"] = trace_cfg["text"]
    args["loss_step"] = trace_cfg.get("loss_step")
    args["target"] = trace_cfg.get("target")
    args["whh_scale"] = trace_cfg.get("whh_scale", 1.0)

    def run(target):
        return compute_trace(model_path, ids=args.get("ids"), text=args.get("text"),
                             loss_step=args["loss_step"], target=target,
                             whh_scale=args["whh_scale"])

    if args["target"] == "least likely":
        probs = run(None).probs[-1].tolist()
        args["target"] = labels[min(range(len(probs)), key=lambda j: probs[j])]
    trace = run(args["target"])

    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        f.write(readable_json({"args": args, "expected": trace_to_json(trace)}))

    # Show that the weights are large enough for the gates to matter.
    gate_values = [x for v in trace.gates.values() for x in v.flatten().tolist()]
    spread = (sum(1 for x in gate_values if abs(x - 0.5) > 0.2) / len(gate_values)
              if gate_values else float("nan"))
    print(f"{name:28s} T={len(trace.ids):2d} loss={trace.loss:.4f} "
          f"target={trace.model.labels[trace.target_id]!r:12s} "
          f"gates away from 0.5: {spread:.0%}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    out_dir = os.path.normpath(ap.parse_args().out)
    os.makedirs(out_dir, exist_ok=True)
    for index, (name, model_cfg, trace_cfg) in enumerate(CASES):
        make_case(out_dir, index, name, model_cfg, trace_cfg)
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    print(f"{len(CASES)} cases written to {out_dir} ({total / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
