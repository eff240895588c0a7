#!/usr/bin/env bash
# Training speed in interleaved rounds: this checkout's release build, another build
# ("before", e.g. a worktree of an older commit), and PyTorch (bench/torch_train.py),
# one after the other in each round, so that all three meet the same machine.
#
#   bench/training_rounds.sh PATH/TO/BEFORE/rnn-tutor [ROUNDS] [CELL] [PYTHON]
#
# Prints ms per step for each and PyTorch's time over each (above 1.5 meets the goal).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: bench/training_rounds.sh BEFORE_BINARY [ROUNDS] [CELL] [PYTHON]}
rounds=${2:-10}
cell=${3:-lstm}
python=${4:-python3}
after=.build/release/rnn-tutor
step() { "$1" bench --training --threads 2 --repetitions 100 --cell "$cell" | tail -1 | awk '{print $2}'; }
for i in $(seq 1 "$rounds"); do
    a=$(step "$after")
    b=$(step "$before")
    t=$("$python" bench/torch_train.py --cell "$cell" | tail -1 | awk '{print $2}')
    awk -v time="$(date +%T)" -v load="$(cut -d' ' -f1 /proc/loadavg)" -v a="$a" -v b="$b" -v t="$t" 'BEGIN {
        printf "%s load %s  after %s  before %s  torch %s  torch/after %.2f  torch/before %.2f\n", time, load, a, b, t, t / a, t / b }'
done
