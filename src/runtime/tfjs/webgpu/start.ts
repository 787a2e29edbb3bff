// Starts tfjs's webgpu backend on the adapter compactor chooses: a GPU when
// there is one; a software adapter (mesa's llvmpipe, SwiftShader) only when
// the caller allows it — an explicit `backend: "webgpu"`, so CI can run the
// WebGPU kernels on the CPU — and then reported as not a GPU. When no GPU
// adapter is found the error names what is missing (vulkan.ts).
import { tf } from "../tf.js";
import { activate, firstLine } from "../activate.js";
import { findAdapters, type AdapterSummary, type FoundAdapter } from "./adapters.js";
import { gpuFor } from "./device-request.js";
import { installNavigatorGpu, rawGpu } from "./dawn.js";
import { diagnoseVulkan, vulkanProblems } from "./vulkan.js";
import { registerWebGpuKernelFixes } from "./kernel-fixes.js";
import { failReadsOnDeviceErrors } from "./device-errors.js";

export interface WebGpuStarted {
  readonly tfjsName: "webgpu";
  readonly gpu: boolean;
  /** The adapter's name; "… (software)" for a software adapter. */
  readonly adapter: string;
}

/** The adapter tfjs's webgpu backend was created on: tfjs keeps one instance per process. */
let initializedOn: AdapterSummary | undefined;

function label(summary: AdapterSummary): string {
  return summary.software ? `${summary.name} (software)` : summary.name;
}

/** Why there is no GPU adapter, as one line: the adapters seen, then what the system lacks. */
function noGpuReason(found: readonly FoundAdapter[], errors: readonly string[]): string {
  const seen = found.length === 0 ? "navigator.gpu.requestAdapter() found no adapter" : `only a software adapter: ${found.map((f) => label(f.summary)).join(", ")}`;
  return [seen, ...errors, ...vulkanProblems(diagnoseVulkan())].join("; ");
}

export async function startWebGpu(options: { readonly allowSoftware: boolean }): Promise<WebGpuStarted> {
  if (initializedOn) return reuse(initializedOn, options.allowSoftware);
  const gpu = await rawGpu();
  const { found, errors } = await findAdapters(gpu);
  const chosen = found.find((f) => !f.summary.software) ?? (options.allowSoftware ? found[0] : undefined);
  if (!chosen) {
    const hint = found.length > 0 ? `; backend "webgpu" runs the WebGPU kernels on it anyway (slowly, not a GPU)` : "";
    throw new Error(`${noGpuReason(found, errors)}${hint}`);
  }
  installNavigatorGpu(gpuFor(gpu, chosen.request));
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-backend-webgpu failed to load (${firstLine(e)})`);
  }
  // It registers its factory at import only if navigator.gpu existed then.
  if (!tf.findBackendFactory("webgpu")) {
    throw new Error(`@tensorflow/tfjs-backend-webgpu was imported before navigator.gpu existed, so it registered no backend: start webgpu through compactor's initBackend before importing it`);
  }
  await activate("webgpu");
  registerWebGpuKernelFixes();
  failReadsOnDeviceErrors(tf.backend());
  initializedOn = chosen.summary;
  return { tfjsName: "webgpu", gpu: !chosen.summary.software, adapter: label(chosen.summary) };
}

async function reuse(summary: AdapterSummary, allowSoftware: boolean): Promise<WebGpuStarted> {
  if (summary.software && !allowSoftware) {
    const why = [`the webgpu backend runs on a software adapter (${summary.name}) in this process, not a GPU`, ...vulkanProblems(diagnoseVulkan())];
    throw new Error(why.join("; "));
  }
  await activate("webgpu");
  return { tfjsName: "webgpu", gpu: !summary.software, adapter: label(summary) };
}
