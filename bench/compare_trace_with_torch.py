#!/usr/bin/env python3
"""End-to-end check of `rnn-tutor trace` against the PyTorch reference.

For N random models and inputs it writes the model file, runs the Swift binary
(`rnn-tutor trace ... --format json`, and `--format csv` for a few runs) and
compares every h, c, gate, top-5 entry, the loss and the gradient norms with
scripts/torch_reference.py, within the spec's |Δ| ≤ 1e-4 + 1e-3·|x|.

    /work/.venv-torch/bin/python bench/compare_trace_with_torch.py \
        [--binary .build/release/rnn-tutor] [-n 200] [--seed 1] [--only RUN]

Runs whose reference is not finite, or chaotic (PyTorch's own float32 result
already strays from float64 by more than a quarter of the tolerance, so a
correct Float32 engine could miss it too), are skipped and counted.  Prints one
line per failing run and ends with exactly "N passed, M failed"; exit status 1
when anything failed.
"""

import argparse
import csv
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))

import torch  # noqa: E402
from random_models import CLASS_LABELS, make_vocab, write_model  # noqa: E402
from torch_reference import (GATE_NAMES, ReferenceError, compute_trace,  # noqa: E402
                             load_model, tokenize)

DEFAULT_BINARY = os.path.join(HERE, "..", ".build", "release", "rnn-tutor")
CHAOS_FRACTION = 0.25          # of the tolerance, for the float32-vs-float64 test
UNKNOWN_WORDS = ["zebra", "Xylophone", "don't", "it's", "quantum", "naïve", "ok"]


def tol(x):
    return 1e-4 + 1e-3 * abs(x)


# --------------------------------------------------------------------------
# Random cases
# --------------------------------------------------------------------------

def random_case(rng, run, directory):
    """Write a random model; return (case dict, loaded Model)."""
    cell = rng.choice(["rnn", "lstm", "gru"])
    layers = rng.randint(1, 3)
    E, H = rng.randint(1, 16), rng.randint(1, 24)
    task = "lm" if rng.random() < 0.6 else "classify"
    dtype = rng.choices(["F32", "F16", "BF16"], weights=[70, 15, 15])[0]
    # unk: the default "<unk>" entry, a custom one named in metadata, or none.
    unk_kind = rng.choices(["default", "custom", "none"], weights=[75, 15, 10])[0]
    unk_entry = {"default": "<unk>", "custom": "<oov>", "none": None}[unk_kind]
    lowercase = rng.choices([True, False, None], weights=[25, 10, 65])[0]
    vocab = make_vocab(rng.randint(3, 50), rng, unk=unk_entry,
                       punctuation=rng.random() < 0.7)
    labels = CLASS_LABELS[:rng.randint(2, 8)] if task == "classify" else None
    weight_scale = rng.uniform(0.5, 3.0)

    path = os.path.join(directory, f"run{run}.safetensors")
    write_model(path, seed=rng.randrange(2**31), cell=cell, layers=layers, vocab=vocab,
                E=E, H=H, task=task, labels=labels, dtype=dtype, lowercase=lowercase,
                unk="<oov>" if unk_kind == "custom" else None,
                weight_scale=weight_scale)
    model = load_model(path)

    case = {"path": path, "ids": None, "text": None}
    T = rng.randint(1, 40)
    if unk_entry is not None and rng.random() < 0.3:
        case["text"] = random_text(rng, vocab, unk_entry, T, lowercase)
        T = len(tokenize(model, case["text"])[1])
    else:
        case["ids"] = [rng.randrange(len(vocab)) for _ in range(T)]
    case["loss_step"] = rng.randrange(T) if rng.random() < 0.5 else None
    case["target"] = None
    if rng.random() < 0.15:
        target = rng.choice(model.labels)
        # On a lowercasing model, --target matches after lowercasing too.
        case["target"] = target.upper() if lowercase and rng.random() < 0.5 else target
    r = rng.random()
    case["whh_scale"] = 0.0 if r < 0.1 else 1.0 if r < 0.2 else round(rng.uniform(0, 2), 4)
    # The default (1) is mostly left to the engine, sometimes given explicitly.
    case["pass_whh"] = case["whh_scale"] != 1.0 or rng.random() < 0.3
    case["desc"] = (f"{cell} L={layers} V={len(vocab)} E={E} H={H} {task}"
                    f"{'' if task == 'lm' else f' C={len(labels)}'} {dtype}"
                    f"{' lowercase' if lowercase else ''} T={T} K={case['loss_step']}"
                    f" whh={case['whh_scale']} {'text' if case['text'] else 'ids'}"
                    f"{'' if case['target'] is None else ' target=' + repr(case['target'])}")
    return case, model


def random_text(rng, vocab, unk_entry, n, lowercase):
    """n words: vocabulary words (capitalized at times), unknown words, and
    punctuation glued to words, as a user would type them."""
    words = [w for w in vocab if w != unk_entry]
    out = []
    for _ in range(max(1, n // 2)):
        w = rng.choice(words) if rng.random() < 0.8 else rng.choice(UNKNOWN_WORDS)
        if lowercase and rng.random() < 0.3:
            w = w.capitalize()
        r = rng.random()
        if r < 0.1:
            w += rng.choice([".", ",", "!", "?", ";", ":"])
        elif r < 0.15:
            w = f'"{w}"'
        elif r < 0.2:
            w = f"({w})"
        out.append(w)
    return rng.choice([" ", "  ", "\t"]).join(out)


def swift_args(case, fmt):
    args = ["trace", "--model", case["path"]]
    if case["text"] is not None:
        args += ["--text", case["text"]]
    else:
        args += ["--ids", ",".join(map(str, case["ids"]))]
    if case["loss_step"] is not None:
        args += ["--loss-step", str(case["loss_step"])]
    if case["target"] is not None:
        args += ["--target", case["target"]]
    if case["pass_whh"]:
        args += ["--whh-scale", repr(case["whh_scale"])]
    return args + ["--format", fmt]


def reference(case, dtype=torch.float64, target_id=None):
    return compute_trace(case["model"], ids=case["ids"], text=case["text"],
                         loss_step=case["loss_step"], target=case["target"],
                         whh_scale=case["whh_scale"], dtype=dtype, target_id=target_id)


# --------------------------------------------------------------------------
# Skips: non-finite or chaotic references
# --------------------------------------------------------------------------

def all_values(tr):
    """name -> flat list of every compared quantity of a Trace."""
    out = {"h": tr.h.flatten().tolist(), "probs": tr.probs.flatten().tolist(),
           "loss": [tr.loss], "grad_h": tr.grad_h.tolist()}
    if tr.c is not None:
        out["c"] = tr.c.flatten().tolist()
        out["grad_c"] = tr.grad_c.tolist()
    for name, v in tr.gates.items():
        out[name] = v.flatten().tolist()
    return out


def skip_reason(case, tr64):
    ref = all_values(tr64)
    if not all(math.isfinite(x) for v in ref.values() for x in v):
        return "non-finite reference"
    tr32 = reference(case, torch.float32, target_id=tr64.target_id)
    for name, values in all_values(tr32).items():
        for x32, x64 in zip(values, ref[name]):
            if not abs(x32 - x64) <= CHAOS_FRACTION * tol(x64):
                return f"chaotic ({name}: float32 {x32:.6g} vs float64 {x64:.6g})"
    return None


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------

class Checker:
    """Collects mismatches between the engine's output and a reference Trace."""

    def __init__(self, tr):
        self.tr = tr
        self.problems = []

    def fail(self, msg):
        self.problems.append(msg)

    def num(self, where, got, want):
        x = as_float(got)
        if x is None:
            self.fail(f"{where}: {got!r} is not a number")
        elif not abs(x - want) <= tol(want):
            self.fail(f"{where}: got {x:.9g}, want {want:.9g} (|Δ| {abs(x - want):.3g})")

    def vec(self, where, got, want):
        want = want.tolist()
        if not isinstance(got, list) or len(got) != len(want):
            self.fail(f"{where}: expected a list of {len(want)} numbers, got {str(got)[:60]}")
            return
        for j, (g, w) in enumerate(zip(got, want)):
            self.num(f"{where}[{j}]", g, w)

    def label_at(self, where, t, position, label, p):
        """One entry of `top`: its probability, and its rank up to near ties."""
        m = self.tr.model
        if label not in m.labels:
            self.fail(f"{where}: unknown label {label!r}")
            return
        j = m.labels.index(label)
        probs = self.tr.probs[t].tolist()
        self.num(f"{where}.p ({label!r})", p, probs[j])
        ref_j = self.tr.top(t)[position]
        if j != ref_j and not abs(probs[j] - probs[ref_j]) <= tol(probs[ref_j]):
            self.fail(f"{where}: label {label!r} (p {probs[j]:.6g}) where the reference "
                      f"has {m.labels[ref_j]!r} (p {probs[ref_j]:.6g})")


def as_float(v):
    if isinstance(v, str) and v in ("inf", "-inf", "nan"):
        return float(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return None


def near_tie_target(case, tr, got_id):
    """True if got_id is an equally valid 'own top prediction' target."""
    m = tr.model
    uses_top = case["target"] is None and (m.task == "classify"
                                           or tr.loss_step == len(tr.ids) - 1)
    if not uses_top or not isinstance(got_id, int) or not 0 <= got_id < m.C:
        return False
    p = tr.probs[tr.loss_step].tolist()
    return abs(p[got_id] - p[tr.target_id]) <= tol(p[tr.target_id])


def check_json(case, out, tr):
    chk = Checker(tr)
    m = tr.model
    T = len(tr.ids)
    try:
        js = json.loads(out)
    except json.JSONDecodeError as e:
        return [f"output is not JSON ({e}): {out[:80]!r}"], tr
    if not isinstance(js, dict):
        return [f"output is not a JSON object: {out[:80]!r}"], tr

    # The loss target decides the loss and the gradients, so settle it first:
    # on a near tie of the top prediction either choice is right.
    loss = js.get("loss") or {}
    got_id = loss.get("target_id")
    if got_id != tr.target_id and near_tie_target(case, tr, got_id):
        tr = reference(case, target_id=got_id)
        chk.tr = tr
    if got_id != tr.target_id:
        chk.fail(f"loss.target_id: got {got_id!r}, want {tr.target_id} "
                 f"({m.labels[tr.target_id]!r})")
    if loss.get("target") != m.labels[tr.target_id]:
        chk.fail(f"loss.target: got {loss.get('target')!r}, want {m.labels[tr.target_id]!r}")
    if loss.get("step") != tr.loss_step:
        chk.fail(f"loss.step: got {loss.get('step')!r}, want {tr.loss_step}")
    chk.num("loss.value", loss.get("value"), tr.loss)

    for key, want in (("cell", m.cell), ("layers", m.layers), ("hidden_size", m.H),
                      ("tokens", tr.tokens), ("ids", tr.ids)):
        if js.get(key) != want:
            chk.fail(f"{key}: got {str(js.get(key))[:80]}, want {str(want)[:80]}")

    steps = js.get("steps")
    if not isinstance(steps, list) or len(steps) != T:
        chk.fail(f"steps: expected {T} steps, got {str(steps)[:60]}")
        steps = []
    for t, step in enumerate(steps):
        if not isinstance(step, dict):
            chk.fail(f"steps[{t}] is not an object")
            continue
        chk.vec(f"steps[{t}].h", step.get("h"), tr.h[t])
        if m.cell == "lstm":
            chk.vec(f"steps[{t}].c", step.get("c"), tr.c[t])
        elif "c" in step:
            chk.fail(f"steps[{t}] has 'c' for a {m.cell} model")
        gates = step.get("gates")
        if m.cell == "rnn":
            if gates is not None:
                chk.fail(f"steps[{t}] has 'gates' for an rnn model")
        elif not isinstance(gates, dict) or sorted(gates) != sorted(GATE_NAMES[m.cell]):
            chk.fail(f"steps[{t}].gates: expected keys {GATE_NAMES[m.cell]}, "
                     f"got {str(gates)[:60]}")
        else:
            for name in GATE_NAMES[m.cell]:
                chk.vec(f"steps[{t}].gates.{name}", gates[name], tr.gates[name][t])
        top = step.get("top")
        if not isinstance(top, list) or len(top) != min(5, m.C):
            chk.fail(f"steps[{t}].top: expected {min(5, m.C)} entries, got {str(top)[:60]}")
            continue
        if len({e.get("label") for e in top if isinstance(e, dict)}) != len(top):
            chk.fail(f"steps[{t}].top: repeated or missing labels {str(top)[:80]}")
            continue
        for k, e in enumerate(top):
            chk.label_at(f"steps[{t}].top[{k}]", t, k, e.get("label"), e.get("p"))

    grad = js.get("grad_norm") or {}
    chk.vec("grad_norm.h", grad.get("h"), tr.grad_h)
    if m.cell == "lstm":
        chk.vec("grad_norm.c", grad.get("c"), tr.grad_c)
    elif "c" in grad:
        chk.fail(f"grad_norm has 'c' for a {m.cell} model")
    return chk.problems, tr


def check_csv(out, tr):
    """The csv export: header per spec, one row per step, same numbers."""
    chk = Checker(tr)
    m, H, T = tr.model, tr.model.H, len(tr.ids)
    if "\r" in out:
        chk.fail("csv: lines must end in \\n, found \\r")
    if not out.endswith("\n"):
        chk.fail("csv: the last line does not end in \\n")
    lstm = m.cell == "lstm"
    header = ["t", "token", "loss_grad_h"] + (["loss_grad_c"] if lstm else [])
    header += [f"h{j}" for j in range(H)] + ([f"c{j}" for j in range(H)] if lstm else [])
    for name in GATE_NAMES[m.cell]:
        header += [f"{name}{j}" for j in range(H)]
    header += ["top_label", "top_p"]
    try:
        rows = list(csv.reader(io.StringIO(out, newline=""), strict=True))
    except csv.Error as e:
        return [f"csv: not RFC 4180 ({e})"]
    if not rows or rows[0] != header:
        got = rows[0] if rows else None
        return chk.problems + [f"csv header: got {str(got)[:100]}, want {str(header)[:100]}"]
    if len(rows) != T + 1:
        return chk.problems + [f"csv: {len(rows) - 1} rows, want {T}"]
    for t, row in enumerate(rows[1:]):
        if len(row) != len(header):
            chk.fail(f"csv row {t}: {len(row)} fields, want {len(header)}")
            continue
        cols = dict(zip(header, row))
        if cols["t"] != str(t):
            chk.fail(f"csv row {t}: t is {cols['t']!r}")
        if cols["token"] != tr.tokens[t]:
            chk.fail(f"csv row {t}: token {cols['token']!r}, want {tr.tokens[t]!r}")

        def num(name, want):
            try:
                chk.num(f"csv row {t} {name}", float(cols[name]), want)
            except ValueError:
                chk.fail(f"csv row {t} {name}: {cols[name]!r} is not a number")

        num("loss_grad_h", tr.grad_h[t].item())
        if lstm:
            num("loss_grad_c", tr.grad_c[t].item())
        for j in range(H):
            num(f"h{j}", tr.h[t, j].item())
            if lstm:
                num(f"c{j}", tr.c[t, j].item())
            for name in GATE_NAMES[m.cell]:
                num(f"{name}{j}", tr.gates[name][t, j].item())
        try:
            p = float(cols["top_p"])
        except ValueError:
            p = cols["top_p"]
        chk.label_at(f"csv row {t} top", t, 0, cols["top_label"], p)
    return chk.problems


def run_binary(binary, args):
    # Bytes, decoded by hand: text mode would turn "\r\n" into "\n" and hide
    # a wrong line ending in the csv.
    try:
        proc = subprocess.run([binary] + args, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "timed out after 120 s"
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        err = (stderr.strip().splitlines() or ["(no message)"])[0]
        return None, f"exit {proc.returncode}: {err[:200]}"
    try:
        return proc.stdout.decode("utf-8"), None
    except UnicodeDecodeError as e:
        return None, f"output is not UTF-8 ({e})"


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=DEFAULT_BINARY)
    ap.add_argument("-n", "--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", type=int, help="run just this run number (to reproduce)")
    ap.add_argument("--csv-runs", type=int, default=10,
                    help="also check --format csv on this many runs (spread out)")
    ap.add_argument("--keep", help="directory for the models of failing runs "
                                   "(default: a new temporary directory)")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per run")
    opts = ap.parse_args()
    binary = os.path.abspath(opts.binary)
    if not os.access(binary, os.X_OK):
        print(f"error: no executable at {binary} (swift build -c release?)", file=sys.stderr)
        return 2
    torch.set_num_threads(1)  # tiny tensors: threads only add overhead

    runs = [opts.only] if opts.only is not None else range(opts.runs)
    csv_every = max(1, opts.runs // max(1, opts.csv_runs)) if opts.csv_runs else 0
    passed, failed, skipped, ref_errors = 0, 0, [], 0
    work = tempfile.mkdtemp(prefix="trace-compare-")
    keep = opts.keep
    try:
        for run in runs:
            rng = random.Random(f"{opts.seed}:{run}")  # each run reproducible alone
            case, model = random_case(rng, run, work)
            case["model"] = model
            try:
                tr = reference(case)
            except (ReferenceError, AssertionError) as e:
                # The generator or the reference is at fault, not the engine.
                print(f"REFERENCE ERROR run {run} [{case['desc']}]: {e}")
                ref_errors += 1
                continue
            reason = skip_reason(case, tr)
            if reason:
                skipped.append(run)
                if opts.verbose:
                    print(f"skip run {run} [{case['desc']}]: {reason}")
                continue

            problems = []
            out, err = run_binary(binary, swift_args(case, "json"))
            if err:
                problems.append(f"json: {err}")
            else:
                found, tr = check_json(case, out, tr)
                problems += found
            if csv_every and run % csv_every == 0 and not problems:
                out, err = run_binary(binary, swift_args(case, "csv"))
                problems += [f"csv: {err}"] if err else check_csv(out, tr)

            if problems:
                failed += 1
                keep = keep or tempfile.mkdtemp(prefix="trace-failures-")
                os.makedirs(keep, exist_ok=True)
                kept = shutil.copy(case["path"], keep)
                more = f" (+{len(problems) - 4} more)" if len(problems) > 4 else ""
                print(f"FAIL run {run} [{case['desc']}]: {len(problems)} mismatches: "
                      f"{'; '.join(problems[:4])}{more} | model {kept} | args "
                      f"{json.dumps(swift_args(case, 'json')[3:])} | rerun: --seed "
                      f"{opts.seed} --only {run}")
            else:
                passed += 1
                if opts.verbose:
                    print(f"ok   run {run} [{case['desc']}]")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if ref_errors:
        print(f"{ref_errors} runs not checked: the reference itself failed (see above)")
    print(f"skipped {len(skipped)} runs whose reference is non-finite or chaotic"
          f"{': ' + ', '.join(map(str, skipped)) if skipped else ''}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or ref_errors else 0


if __name__ == "__main__":
    sys.exit(main())
