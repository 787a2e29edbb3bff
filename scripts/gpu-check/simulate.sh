#!/usr/bin/env bash
# Runs the gpu-check pack (.device/gpu-check.tar.xz, from scripts/gpu-check.sh pack)
# on this machine under each cause of "no GPU" that can be made here for real,
# and checks that the report names it with its CAUSE line and exits as it should.
# The machine is changed only inside private mount namespaces (unshare -m: an
# overlay hides libvulkan.so.1, a tmpfs over /proc/driver fakes the NVIDIA
# driver's version file, an overlay on /dev adds or leaves out /dev/nvidia*), so
# it needs root and unshare. Needs mesa's lavapipe (the one adapter here).
#
#   scripts/gpu-check/simulate.sh [--with-training]
#
# --with-training also trains on lavapipe (--allow-software), with the carried
# node as on a machine without one: the success path end to end, a few minutes.
# request-device-failed and features-rejected cannot be made with lavapipe
# (it grants every device); test/gpu-check/system-report.test.ts covers them
# with fake adapters.
set -uo pipefail
cd "$(dirname "$0")/../.."
pack=.device/gpu-check.tar.xz
test -f "$pack" || { echo "simulate: no $pack: run scripts/gpu-check.sh pack first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xJf "$pack"
failures=0

# expect NAME STATUS 'CAUSE a' 'CAUSE b'… -- COMMAND…: runs COMMAND, checks its exit status and that each line is in its output.
expect() {
  local name=$1 want=$2
  shift 2
  local needles=()
  while [ "$1" != -- ]; do needles+=("$1"); shift; done
  shift
  local log="$work/$name.log" status
  "$@" >"$log" 2>&1
  status=$?
  local missing=()
  for n in "${needles[@]}"; do grep -qF -- "$n" "$log" || missing+=("$n"); done
  if [ "$status" -eq "$want" ] && [ ${#missing[@]} -eq 0 ]; then
    echo "ok   $name: exit $status; $(grep -oE '^CAUSE [a-z-]+' "$log" | cut -d' ' -f2 | paste -sd, -)"
  else
    failures=$((failures + 1))
    echo "FAIL $name: exit $status (want $want)${missing[*]:+; missing: ${missing[*]}}"
    sed 's/^/     | /' "$log" | tail -40
  fi
}

run=("$work/gpu-check.sh" run --report-only)
# Private mounts, then the check. $1: shell lines run as root in the namespace first.
in_namespace() {
  local setup=$1
  shift
  unshare -m --propagation private bash -c "set -e; t=\$(mktemp -d); mount -t tmpfs none \$t; $setup; exec \"\$@\"" -- "$@"
}
HIDE_LIBVULKAN='mkdir $t/up $t/w; mount -t overlay overlay -o lowerdir=/usr/lib/x86_64-linux-gnu,upperdir=$t/up,workdir=$t/w /usr/lib/x86_64-linux-gnu; rm -f /usr/lib/x86_64-linux-gnu/libvulkan.so.1*'
FAKE_DRIVER='mount -t tmpfs none /proc/driver; mkdir /proc/driver/nvidia; echo "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  (simulated)" >/proc/driver/nvidia/version'
FAKE_DEVICES='mkdir $t/dup $t/dw; mount -t overlay overlay -o lowerdir=/dev,upperdir=$t/dup,workdir=$t/dw /dev; touch /dev/nvidia0 /dev/nvidiactl'

expect lavapipe-only 1 'CAUSE no-nvidia-driver' 'CAUSE software-only' 'SOFTWARE (info.isFallbackAdapter true' 'verdict: no usable GPU adapter' -- "${run[@]}"
expect no-adapter 1 'CAUSE no-adapter' 'Vulkan ICD manifests (searched /nonexistent/none.json)' -- env VK_ICD_FILENAMES=/nonexistent/none.json "${run[@]}"
expect no-libvulkan 1 'CAUSE no-libvulkan' 'libvulkan.so.1 (Vulkan loader): MISSING' 'CAUSE no-adapter' -- in_namespace "$HIDE_LIBVULKAN" "${run[@]}"
expect driver-without-icd 1 'CAUSE no-nvidia-icd' 'NVIDIA device nodes: /dev/nvidia0, /dev/nvidiactl' 'CAUSE software-only' -- in_namespace "$FAKE_DRIVER; $FAKE_DEVICES" "${run[@]}"
expect container-without-gpu 1 'CAUSE no-nvidia-devices' 'NVIDIA device nodes: none in /dev' -- in_namespace "$FAKE_DRIVER" "${run[@]}"
expect container-without-graphics 1 'CAUSE container-no-graphics' 'lacks "graphics"' -- in_namespace "$FAKE_DRIVER; $FAKE_DEVICES" env NVIDIA_DRIVER_CAPABILITIES=compute,utility "${run[@]}"
mv "$work/node_modules/webgpu" "$work/webgpu.aside"
expect dawn-missing 1 'CAUSE dawn-missing' 'the "webgpu" package (Dawn for Node) is not installed or failed to load' -- "${run[@]}"
mv "$work/webgpu.aside" "$work/node_modules/webgpu"
if [ "${1:-}" = --with-training ]; then
  expect train-on-lavapipe-with-carried-node 0 "node: $work/node" 'parity with cpu' 'PASS' '"summary":"PASS"' -- env GPU_CHECK_NODE=carried "$work/gpu-check.sh" run --allow-software --epochs 1 --train-samples 512
  grep -E 'samples/s|parity with cpu' "$work/train-on-lavapipe-with-carried-node.log" | sed 's/^/     /'
fi
echo "simulate: $failures failed"
exit $((failures > 0))
