#!/usr/bin/env bash
# Training throughput, ours against PyTorch in the same run (issue 14):
#   MLP 784-1200-1200-10, LeNet-5 and the ResNet-8-style student
#   (bench/resnet8.ts), batch 128, Adam: tfjs wasm with our kernels on one
#   thread (with --profile: a per-kernel profile of one step), and PyTorch CPU
#   with 1 and 2 threads, run as a user's PyTorch runs: OpenBLAS without this
#   machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides.
#   Each model also data-parallel on 2 threads (--workers 2: needs `npm run
#   build`, the worker runs from dist/), and ours without this session's
#   speed-ups, for the before/after factor: the MLP with COMPACTOR_NATIVE_GEMM=0
#   (dense products on wasm), the conv nets with --no-winograd.
# Each line is one JSON result (also written to $OUT); REPS rounds interleave
# the contenders so load changes hit all of them alike.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-1}
PY=${PYTHON:-/usr/bin/python3}
OUT=${OUT:-bench/results/train-throughput-$(date -u +%F).jsonl}
mkdir -p "$(dirname "$OUT")"
ours() { npx vite-node bench/train-throughput.ts -- "$@" 2>/dev/null | grep '^{' | tee -a "$OUT"; }
torch() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/torch_throughput.py "$@" | tee -a "$OUT"; }
echo "{\"machine\": \"$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"cpuFeatures\": \"$(grep -o 'avx[^ ]*\|vnni' /proc/cpuinfo | sort -u | xargs)\", \"node\": \"$(node --version)\", \"date\": \"$(date -u +%FT%TZ)\", \"loadAverage\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"blas\": \"$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)\"}" | tee -a "$OUT"
for rep in $(seq "$REPS"); do
  for spec in "mlp 20" "lenet5 20" "resnet8 6"; do
    set -- $spec
    # The profile once (it adds a minute of ResNet-8 steps), in the first round.
    if [ "$rep" = 1 ]; then ours --model "$1" --steps "$2" --profile; else ours --model "$1" --steps "$2"; fi
    ours --model "$1" --steps "$2" --workers 2
    if [ "$1" = mlp ]; then COMPACTOR_NATIVE_GEMM=0 ours --model "$1" --steps "$2"; else ours --model "$1" --steps "$2" --no-winograd; fi
    torch --model "$1" --steps "$2" --threads 1
    torch --model "$1" --steps "$2" --threads 2
  done
done
