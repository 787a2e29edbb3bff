#!/usr/bin/env bash
# Training throughput, ours against PyTorch in the same run (issue 4, benchmarks):
#   MLP 784-1200-1200-10, batch 128, Adam: tfjs wasm with our kernels, wasm's own
#   kernels ("before"), PyTorch CPU with 2 and 1 threads; LeNet-5 on wasm vs cpu.
#   Ours runs with 1 thread and data-parallel on 2 (--workers 2: needs
#   `npm run build`, the worker runs from dist/).
# Each line is one JSON result; REPS rounds interleave the contenders so load
# changes hit all of them alike.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
STEPS=${STEPS:-20}
PY=${PYTHON:-/usr/bin/python3}
ours() { npx vite-node bench/train-throughput.ts -- "$@" 2>/dev/null | grep '^{'; }
echo "{\"machine\": \"$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"node\": \"$(node --version)\", \"date\": \"$(date -u +%FT%TZ)\"}"
for _ in $(seq "$REPS"); do
  ours --steps "$STEPS" --workers 1
  "$PY" bench/torch_throughput.py --steps "$STEPS" --threads 2
  ours --steps "$STEPS" --workers 2
  "$PY" bench/torch_throughput.py --steps "$STEPS" --threads 1
done
ours --steps 5 --plain-matmul
ours --steps 10 --model lenet5
"$PY" bench/torch_throughput.py --steps 10 --model lenet5 --threads 2
ours --steps 3 --model lenet5 --backend cpu
