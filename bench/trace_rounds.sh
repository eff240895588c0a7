#!/usr/bin/env bash
# One sitting of the one-thread trace: ROUNDS rounds of this checkout's release build
# (`rnn-tutor bench --threads 1 --repetitions 200`: each cell's trace, the median of 200,
# with the engine's 1024³ product read as the peak in the same process) and PyTorch's
# reference (../shared/bench/torch_trace.py), one after the other on core 0.
#
#   bench/trace_rounds.sh [ROUNDS] [PYTHON]
#
# Prints, per round, the LSTM trace, its share of the peak to a tenth, and PyTorch's fused time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
python=${2:-python3}
echo "$(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
    engine=$(taskset -c 0 .build/release/rnn-tutor bench --threads 1 --repetitions 200 --cell lstm)
    torch=$(taskset -c 0 "$python" ../shared/bench/torch_trace.py | grep '^lstm')
    echo "$engine" | awk -v torch="$torch" '
        /peak used/ { peak = $6 }
        /^lstm/ { printf "LSTM trace %s ms, %.1f%% of a peak of %.1f GFLOP/s; PyTorch %s\n", $2, 100 * $6 / peak, peak, torch }'
done
