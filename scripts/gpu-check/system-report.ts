// The first half of scripts/gpu-check: what this machine offers WebGPU, one
// cause per line, before anything is trained — the NVIDIA driver, the Vulkan
// loader (libvulkan.so.1), the ICD manifests, the adapters Dawn finds with
// their fallback flags, the first adapter's features and limits, and whether
// Dawn accepts tfjs-backend-webgpu 4.22's nested requiredFeatures as is.
import { findAdapters, type FoundAdapter, type GpuAdapterLike, type GpuLike } from "../../src/runtime/tfjs/webgpu/adapters.js";
import { rawGpu } from "../../src/runtime/tfjs/webgpu/dawn.js";
import { fixRequiredFeatures } from "../../src/runtime/tfjs/webgpu/device-request.js";
import { diagnoseVulkan, icdLabel, vulkanProblems } from "../../src/runtime/tfjs/webgpu/vulkan.js";

export interface SystemReport {
  readonly libvulkan: string | null;
  readonly icds: string[];
  readonly nvidiaDriver: string | null;
  readonly problems: string[];
  readonly adapters: { name: string; software: boolean; fallbackFlag: boolean | null }[];
  readonly features: string[];
  readonly nestedRequiredFeatures: string;
  readonly flatRequiredFeatures: string;
}

const LIMITS = ["maxBufferSize", "maxStorageBufferBindingSize", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupsPerDimension"];

/** tfjs-backend-webgpu 4.22's requiredFeatures, exactly as its factory builds them (dist/base.js). */
function tfjsRequiredFeatures(adapter: GpuAdapterLike): unknown[] {
  const features: unknown[] = [];
  if (adapter.features.has("timestamp-query")) features.push("timestamp-query");
  if (adapter.features.has("bgra8unorm-storage")) features.push(["bgra8unorm-storage"]);
  return features;
}

/** Asks a fresh adapter of the same kind for a device with `requiredFeatures`; "accepted (…)" or "rejected: why". */
async function tryDevice(gpu: GpuLike, found: FoundAdapter, requiredFeatures: unknown[]): Promise<string> {
  const adapter = await gpu.requestAdapter(found.request);
  if (!adapter) return "no adapter on the second request";
  try {
    const device = (await adapter.requestDevice({ requiredFeatures })) as { features: Iterable<string>; destroy?: () => void };
    const got = [...device.features].sort();
    device.destroy?.();
    return `accepted (device features: ${got.join(", ") || "none"})`;
  } catch (e) {
    return `rejected: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function systemReport(print: (line: string) => void): Promise<SystemReport> {
  const d = diagnoseVulkan();
  print("== system");
  print(`platform: ${process.platform} ${process.arch}, node ${process.version}`);
  print(`NVIDIA kernel driver: ${d.nvidiaDriver ?? "not loaded (/proc/driver/nvidia/version is absent)"}`);
  if (d.nvidiaCapabilities !== undefined) print(`NVIDIA_DRIVER_CAPABILITIES: ${d.nvidiaCapabilities}`);
  print(`libvulkan.so.1 (Vulkan loader): ${d.libvulkan ?? `MISSING (searched ${d.libraryDirs.join(", ")})`}`);
  print(`Vulkan ICD manifests (searched ${d.icdSearched.join(", ")}):`);
  if (d.icds.length === 0) print("  none");
  for (const icd of d.icds) print(`  ${icd.file}: ${icd.kind}, library ${icd.library ?? "?"} ${icd.libraryFound ? `found at ${icd.libraryFound}` : `NOT FOUND${icd.problem ? ` (${icd.problem})` : ""}`}`);
  const problems = vulkanProblems(d);
  for (const p of problems) print(`PROBLEM: ${p}`);

  print("== WebGPU (Dawn, the npm webgpu package)");
  const report = {
    libvulkan: d.libvulkan ?? null,
    icds: d.icds.map(icdLabel),
    nvidiaDriver: d.nvidiaDriver ?? null,
    problems,
    adapters: [] as SystemReport["adapters"],
    features: [] as string[],
    nestedRequiredFeatures: "not tried",
    flatRequiredFeatures: "not tried",
  };
  let gpu: GpuLike;
  try {
    gpu = await rawGpu();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    print(`PROBLEM: ${why}`);
    return { ...report, problems: [...problems, why] };
  }
  const { found, errors } = await findAdapters(gpu);
  for (const e of errors) print(`PROBLEM: ${e}`);
  if (found.length === 0) print("PROBLEM: Dawn found no adapter (a GPU needs libvulkan.so.1 and the GPU's Vulkan ICD; see above)");
  found.forEach((f, i) => {
    const flag = f.summary.fallbackFlag === undefined ? "not reported" : String(f.summary.fallbackFlag);
    print(`adapter ${i + 1}: ${f.summary.name}: ${f.summary.software ? "SOFTWARE" : "GPU"} (info.isFallbackAdapter ${flag}; adapter.isFallbackAdapter ${String(f.adapter.isFallbackAdapter)}; asked with ${JSON.stringify(f.request)})`);
    report.adapters.push({ name: f.summary.name, software: f.summary.software, fallbackFlag: f.summary.fallbackFlag ?? null });
  });
  const first = found[0];
  if (!first) return report;
  report.features = [...first.summary.features];
  print(`adapter 1 features: ${first.summary.features.join(", ")}`);
  print(`adapter 1 limits: ${LIMITS.map((l) => `${l} ${String(first.adapter.limits[l])}`).join(", ")}`);
  const nested = tfjsRequiredFeatures(first.adapter);
  const fix = fixRequiredFeatures(nested, (f) => first.adapter.features.has(f));
  report.nestedRequiredFeatures = await tryDevice(gpu, first, nested);
  report.flatRequiredFeatures = await tryDevice(gpu, first, fix.features);
  print(`requiredFeatures as tfjs 4.22 sends them ${JSON.stringify(nested)}: ${report.nestedRequiredFeatures}`);
  print(`requiredFeatures flattened by compactor ${JSON.stringify(fix.features)}: ${report.flatRequiredFeatures}`);
  return report;
}
