#!/usr/bin/env bash
# The whole pipelines a user runs, before and after training's dense products
# moved to onnxruntime's GEMM (issue 14's "npm start and the distillation
# benchmark run faster, by the measured factor"): `npm start` (compactor demo:
# MLP teacher, students, pruning, quantization, report) and a reduced
# bench/distill.ts (teacher and students are MLPs, so Winograd does not enter),
# each with COMPACTOR_NATIVE_GEMM=0 (dense products on our wasm kernel: before)
# and without (after), alternating REPS times so load changes hit both alike.
# Needs `npm run build` (the demo runs from dist/). One JSON line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-2}
OUT=${OUT:-bench/results/end-to-end-$(date -u +%F).jsonl}
mkdir -p "$(dirname "$OUT")" bench/out
echo "{\"machine\": \"$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"cpuFeatures\": \"$(grep -o 'avx[^ ]*\|vnni' /proc/cpuinfo | sort -u | xargs)\", \"node\": \"$(node --version)\", \"date\": \"$(date -u +%FT%TZ)\"}" | tee -a "$OUT"
timed() { # name, native (1|0), command...
  local name=$1 native=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  if [ "$native" = 0 ]; then COMPACTOR_NATIVE_GEMM=0 "$@" >/dev/null 2>&1; else "$@" >/dev/null 2>&1; fi
  t1=$(date +%s.%N)
  echo "{\"run\": \"$name\", \"nativeGemm\": $([ "$native" = 1 ] && echo true || echo false), \"seconds\": $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }"), \"loadAverage\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" | tee -a "$OUT"
}
for _ in $(seq "$REPS"); do
  for native in 0 1; do
    timed "npm start (compactor demo)" "$native" node bin/compactor.js demo --out bench/out/report.html
    timed "bench/distill.ts --teacher-epochs 5 --student-epochs 5 --seeds 1" "$native" npx vite-node bench/distill.ts -- --teacher-epochs 5 --student-epochs 5 --seeds 1
  done
done
