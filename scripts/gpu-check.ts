// What a machine offers compactor's GPU path, then the proof: prints the
// system report (NVIDIA driver, libvulkan.so.1, Vulkan ICDs, WebGPU adapters
// with their fallback flags, features, whether Dawn takes tfjs's nested
// requiredFeatures) and trains the MLP and LeNet-5 with device "gpu", checking
// one step's gradients against the cpu backend. Run by scripts/gpu-check.sh
// (packed for offline Linux x64 + NVIDIA machines). Exits 1 when no GPU
// backend trains or parity fails.
//
//   --allow-software   train on backend "webgpu" even on a software adapter
//                      (lavapipe): proves the script end to end without a GPU
//   --report-only      the system report alone (no training): exit 1 when no GPU is usable
//   --epochs N         (default 3)   --train-samples N (default 8000)
import { systemReport } from "./gpu-check/system-report.js";
import { trainCheck } from "./gpu-check/train-check.js";

function parseArgs(argv: readonly string[]): { allowSoftware: boolean; reportOnly: boolean; epochs: number; trainSamples: number } {
  const out = { allowSoftware: false, reportOnly: false, epochs: 3, trainSamples: 8000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const number = (name: string) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer, got ${argv[i]}`);
      return v;
    };
    if (arg === "--allow-software") out.allowSoftware = true;
    else if (arg === "--report-only") out.reportOnly = true;
    else if (arg === "--epochs") out.epochs = number(arg);
    else if (arg === "--train-samples") out.trainSamples = Math.min(8000, number(arg));
    else throw new Error(`unknown argument ${arg}: use --allow-software, --report-only, --epochs N, --train-samples N`);
  }
  return out;
}

const options = parseArgs(process.argv.slice(2));
const print = (line: string) => console.log(line);
const system = await systemReport(print);
const { ok } = options.reportOnly ? { ok: system.gpuUsable } : await trainCheck(options, print);
print(
  JSON.stringify({
    summary: ok ? "PASS" : "FAIL",
    causes: system.causes.map((c) => (c.fatal ? c.name : `${c.name} (not fatal)`)),
    gpuUsable: system.gpuUsable,
    libvulkan: system.libvulkan,
    nvidiaDriver: system.nvidiaDriver,
    adapters: system.adapters,
    nestedRequiredFeatures: system.nestedRequiredFeatures,
  }),
);
process.exit(ok ? 0 : 1);
