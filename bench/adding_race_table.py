"""The README's adding-problem table: the race at T = 10, 25, 50, 100, each
with five seeds, reporting the median held-out error per cell (so that no
lucky seed decides it) and how many of the five runs went below half the
0.167 baseline.

Run from the package root after `swift build -c release`:
    python3 bench/adding_race_table.py [--binary .build/release/rnn-tutor] [--lengths 10,25,50,100] [--seeds 1,2,3,4,5]
Any extra arguments after `--` go to `rnn-tutor experiment adding` (e.g. -- --steps 3000)."""
import argparse, json, statistics, subprocess, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/rnn-tutor")
parser.add_argument("--lengths", default="10,25,50,100")
parser.add_argument("--seeds", default="1,2,3,4,5")
parser.add_argument("extra", nargs="*")
args = parser.parse_args()

rows = []
for length in [int(x) for x in args.lengths.split(",")]:
    errors, gradients, learned = {}, {}, {}
    started = time.time()
    for seed in [int(x) for x in args.seeds.split(",")]:
        out = subprocess.run([args.binary, "experiment", "adding", "--length", str(length), "--seed", str(seed), "--json"]
                             + args.extra, capture_output=True, text=True, check=True)
        for r in json.loads(out.stdout)["results"]:
            errors.setdefault(r["cell"], []).append(float(r["finalError"]))
            gradients.setdefault(r["cell"], []).append(float(r["firstStepGradient"]))
            learned[r["cell"]] = learned.get(r["cell"], 0) + (1 if r["belowBaseline"] else 0)
    seconds = (time.time() - started) / len(args.seeds.split(","))
    rows.append((length, errors, gradients, learned, seconds))
    print(f"T = {length} done ({seconds:.0f} s per run)", file=sys.stderr)

cells = list(rows[0][1].keys())
print("| T | " + " | ".join(f"{c.upper()} median MSE (runs learned)" for c in cells) + " | median ‖∂L/∂h₀‖ " + " / ".join(c.upper() for c in cells) + " | s per run |")
print("|---|" + "---|" * len(cells) + "---|---|")
for length, errors, gradients, learned, seconds in rows:
    cols = [f"{statistics.median(errors[c]):.4f} ({learned[c]}/{len(errors[c])})" for c in cells]
    grads = " / ".join(f"{statistics.median(gradients[c]):.1e}" for c in cells)
    print(f"| {length} | " + " | ".join(cols) + f" | {grads} | {seconds:.0f} |")
