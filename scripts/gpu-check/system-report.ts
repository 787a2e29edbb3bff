// The first half of scripts/gpu-check: what this machine offers WebGPU, one
// cause per line, before anything is trained — the NVIDIA driver, the Vulkan
// loader (libvulkan.so.1), the ICD manifests, the adapters Dawn finds with
// their fallback flags, the first adapter's features and limits, and whether
// Dawn accepts tfjs-backend-webgpu 4.22's nested requiredFeatures as is.
// Every reason the GPU cannot be used is printed as "CAUSE <name>: why" (the
// names are Cause's), so a log from a far machine is read at a glance.
import { findAdapters, type FoundAdapter, type GpuAdapterLike, type GpuLike } from "../../src/runtime/tfjs/webgpu/adapters.js";
import { rawGpu } from "../../src/runtime/tfjs/webgpu/dawn.js";
import { fixRequiredFeatures } from "../../src/runtime/tfjs/webgpu/device-request.js";
import { diagnoseVulkan, icdLabel, vulkanCauses, vulkanProblems, type VulkanCause, type VulkanDiagnosis } from "../../src/runtime/tfjs/webgpu/vulkan.js";

/** Why a GPU cannot be used: the system's (vulkan.ts), then Dawn's and the device's. */
export type CauseName =
  | VulkanCause
  | "dawn-missing" // the webgpu package (Dawn) is not installed or does not load
  | "no-adapter" // Dawn found no adapter at all
  | "software-only" // only software adapters (lavapipe, SwiftShader): not a GPU
  | "request-device-failed" // the adapter refuses even a plain requestDevice()
  | "features-rejected" // a plain device works, the features tfjs needs (flattened) are refused
  | "nested-features-rejected"; // tfjs 4.22's nested requiredFeatures are refused (compactor flattens them: not fatal)

export interface Cause {
  readonly name: CauseName;
  readonly text: string;
  /** False for what compactor works around (nested features). */
  readonly fatal: boolean;
}

/** What the report reads: this machine's by default, made-up ones in tests. */
export interface SystemSources {
  readonly diagnosis?: VulkanDiagnosis;
  readonly gpu?: () => Promise<GpuLike>;
}

export interface SystemReport {
  readonly libvulkan: string | null;
  readonly icds: string[];
  readonly nvidiaDriver: string | null;
  readonly problems: string[];
  readonly adapters: { name: string; software: boolean; fallbackFlag: boolean | null }[];
  readonly features: string[];
  readonly plainDevice: string;
  readonly nestedRequiredFeatures: string;
  readonly flatRequiredFeatures: string;
  /** Every cause found; when a GPU adapter makes a device with tfjs's features, only non-fatal ones count. */
  readonly causes: Cause[];
  /** A GPU adapter (not software) that makes a device with the features tfjs asks for. */
  readonly gpuUsable: boolean;
}

const LIMITS = ["maxBufferSize", "maxStorageBufferBindingSize", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupsPerDimension"];

/** tfjs-backend-webgpu 4.22's requiredFeatures, exactly as its factory builds them (dist/base.js). */
function tfjsRequiredFeatures(adapter: GpuAdapterLike): unknown[] {
  const features: unknown[] = [];
  if (adapter.features.has("timestamp-query")) features.push("timestamp-query");
  if (adapter.features.has("bgra8unorm-storage")) features.push(["bgra8unorm-storage"]);
  return features;
}

interface DeviceTry {
  readonly ok: boolean;
  /** "accepted (…)" or "rejected: why". */
  readonly text: string;
}

/** Asks a fresh adapter of the same kind (an adapter makes one device) for a device; undefined `requiredFeatures`: a plain request. */
async function tryDevice(gpu: GpuLike, found: FoundAdapter, requiredFeatures?: unknown[]): Promise<DeviceTry> {
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter(found.request);
  } catch (e) {
    return { ok: false, text: `rejected: requestAdapter threw on the second request: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) return { ok: false, text: "rejected: no adapter on the second request" };
  try {
    const device = (await adapter.requestDevice(requiredFeatures ? { requiredFeatures } : undefined)) as { features: Iterable<string>; destroy?: () => void };
    const got = [...device.features].sort();
    device.destroy?.();
    return { ok: true, text: `accepted (device features: ${got.join(", ") || "none"})` };
  } catch (e) {
    return { ok: false, text: `rejected: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export async function systemReport(print: (line: string) => void, sources: SystemSources = {}): Promise<SystemReport> {
  const d = sources.diagnosis ?? diagnoseVulkan();
  const causes: Cause[] = [];
  const cause = (name: CauseName, text: string, fatal = true) => {
    causes.push({ name, text, fatal });
    print(`CAUSE ${name}: ${text}`);
  };
  print("== system");
  print(`platform: ${process.platform} ${process.arch}, node ${process.version}`);
  print(`NVIDIA kernel driver: ${d.nvidiaDriver ?? "not loaded (/proc/driver/nvidia/version is absent)"}`);
  if (d.nvidiaDriver) print(`NVIDIA device nodes: ${d.nvidiaDevices.length > 0 ? d.nvidiaDevices.map((n) => `/dev/${n}`).join(", ") : "none in /dev"}`);
  if (d.nvidiaCapabilities !== undefined) print(`NVIDIA_DRIVER_CAPABILITIES: ${d.nvidiaCapabilities}`);
  print(`libvulkan.so.1 (Vulkan loader): ${d.libvulkan ?? `MISSING (searched ${d.libraryDirs.join(", ")})`}`);
  print(`Vulkan ICD manifests (searched ${d.icdSearched.join(", ")}):`);
  if (d.icds.length === 0) print("  none");
  for (const icd of d.icds) print(`  ${icd.file}: ${icd.kind}, library ${icd.library ?? "?"} ${icd.libraryFound ? `found at ${icd.libraryFound}` : `NOT FOUND${icd.problem ? ` (${icd.problem})` : ""}`}`);
  for (const p of vulkanCauses(d)) cause(p.cause, p.text);

  print("== WebGPU (Dawn, the npm webgpu package)");
  const report = {
    libvulkan: d.libvulkan ?? null,
    icds: d.icds.map(icdLabel),
    nvidiaDriver: d.nvidiaDriver ?? null,
    problems: vulkanProblems(d),
    adapters: [] as SystemReport["adapters"],
    features: [] as string[],
    plainDevice: "not tried",
    nestedRequiredFeatures: "not tried",
    flatRequiredFeatures: "not tried",
    causes,
    gpuUsable: false,
  };
  // Once a GPU makes a device with tfjs's features, the system's causes were not fatal after all
  // (another vendor's GPU, a driver found some other way): keep them, as notes.
  const finish = (gpuUsable: boolean): SystemReport => {
    const kept = gpuUsable ? causes.map((c) => ({ ...c, fatal: false })) : causes;
    print(gpuUsable ? "verdict: a GPU adapter makes a device with the features tfjs asks for" : `verdict: no usable GPU adapter; causes: ${causes.filter((c) => c.fatal).map((c) => c.name).join(", ") || "none found"}`);
    return { ...report, causes: kept, gpuUsable };
  };
  let gpu: GpuLike;
  try {
    gpu = await (sources.gpu ?? rawGpu)();
  } catch (e) {
    cause("dawn-missing", e instanceof Error ? e.message : String(e));
    return finish(false);
  }
  const { found, errors } = await findAdapters(gpu);
  for (const e of errors) print(`requestAdapter error: ${e}`);
  if (found.length === 0) {
    cause("no-adapter", `Dawn found no adapter${errors.length > 0 ? ` (${errors.join("; ")})` : ""}: a GPU needs libvulkan.so.1 and the GPU's Vulkan ICD (see the system causes above)`);
    return finish(false);
  }
  found.forEach((f, i) => {
    const flag = f.summary.fallbackFlag === undefined ? "not reported" : String(f.summary.fallbackFlag);
    print(`adapter ${i + 1}: ${f.summary.name}: ${f.summary.software ? "SOFTWARE" : "GPU"} (info.isFallbackAdapter ${flag}; adapter.isFallbackAdapter ${String(f.adapter.isFallbackAdapter)}; asked with ${JSON.stringify(f.request)})`);
    report.adapters.push({ name: f.summary.name, software: f.summary.software, fallbackFlag: f.summary.fallbackFlag ?? null });
  });
  // Adapters come GPUs first: the first is the one compactor would take.
  const first = found[0]!;
  if (first.summary.software) cause("software-only", `only software adapters (${found.map((f) => f.summary.name).join(", ")}): WebGPU would run on the CPU, so device "gpu" refuses it`);
  report.features = [...first.summary.features];
  print(`adapter 1 features: ${first.summary.features.join(", ")}`);
  print(`adapter 1 limits: ${LIMITS.map((l) => `${l} ${String(first.adapter.limits[l])}`).join(", ")}`);
  const nested = tfjsRequiredFeatures(first.adapter);
  const fix = fixRequiredFeatures(nested, (f) => first.adapter.features.has(f));
  const plain = await tryDevice(gpu, first);
  const flat = await tryDevice(gpu, first, fix.features);
  const asSent = await tryDevice(gpu, first, nested);
  report.plainDevice = plain.text;
  report.flatRequiredFeatures = flat.text;
  report.nestedRequiredFeatures = asSent.text;
  print(`requestDevice() with no features: ${plain.text}`);
  print(`requiredFeatures flattened by compactor ${JSON.stringify(fix.features)}: ${flat.text}`);
  print(`requiredFeatures as tfjs 4.22 sends them ${JSON.stringify(nested)}: ${asSent.text}`);
  if (!plain.ok) cause("request-device-failed", `adapter 1 (${first.summary.name}) refused requestDevice() with no features: ${plain.text}`);
  else if (!flat.ok) cause("features-rejected", `adapter 1 (${first.summary.name}) makes a plain device but refuses the features tfjs asks for ${JSON.stringify(fix.features)}: ${flat.text}`);
  if (flat.ok && !asSent.ok) cause("nested-features-rejected", `tfjs 4.22's nested form ${JSON.stringify(nested)} is refused (${asSent.text}); compactor sends it flattened, which works`, false);
  return finish(!first.summary.software && plain.ok && flat.ok);
}
