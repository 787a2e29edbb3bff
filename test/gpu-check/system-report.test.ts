// scripts/gpu-check's system report names each cause a far machine may have
// (the CAUSE lines its log is read by), on made-up systems: the Vulkan side
// from a diagnosis, Dawn's side from a fake navigator.gpu whose adapters
// accept or refuse devices the way Dawn does. The real lavapipe case runs in
// scripts/gpu-check/simulate.sh.
import { describe, expect, it } from "vitest";
import { systemReport, type SystemSources } from "../../scripts/gpu-check/system-report.js";
import type { GpuAdapterLike, GpuLike } from "../../src/runtime/tfjs/webgpu/adapters.js";
import type { VulkanDiagnosis } from "../../src/runtime/tfjs/webgpu/vulkan.js";

const DRIVER = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15";
const ICD = { file: "/usr/share/vulkan/icd.d/nvidia_icd.json", library: "libGLX_nvidia.so.0", libraryFound: "/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0", kind: "nvidia" as const };

/** A complete NVIDIA install, or one with `changes`. */
function system(changes: Partial<VulkanDiagnosis> = {}): VulkanDiagnosis {
  return {
    platform: "linux",
    libvulkan: "/usr/lib/x86_64-linux-gnu/libvulkan.so.1",
    libraryDirs: ["/usr/lib/x86_64-linux-gnu"],
    icdSearched: ["/usr/share/vulkan/icd.d"],
    icds: [ICD],
    nvidiaDriver: DRIVER,
    nvidiaDevices: ["nvidia0", "nvidiactl"],
    ...changes,
  };
}

type DeviceRule = (requiredFeatures: unknown[] | undefined) => string | undefined;

/** An adapter like Dawn's: the fallback flag on info only; `refuse` says why a device request fails, if it does. */
function adapter(description: string, software: boolean, refuse: DeviceRule = () => undefined): GpuAdapterLike {
  const features = new Set(["timestamp-query", "bgra8unorm-storage", "shader-f16"]);
  return {
    info: { vendor: software ? "mesa" : "nvidia", architecture: software ? "software" : "hopper", description, isFallbackAdapter: software },
    features,
    limits: { maxBufferSize: 2 ** 32 },
    async requestDevice(descriptor) {
      const required = descriptor?.requiredFeatures ? [...descriptor.requiredFeatures] : undefined;
      const why = refuse(required);
      if (why) throw new TypeError(why);
      return { features: (required ?? []).filter((f) => typeof f === "string"), destroy() {} };
    },
  };
}

const gpuOf = (...adapters: GpuAdapterLike[]): SystemSources["gpu"] => async (): Promise<GpuLike> => ({
  async requestAdapter(options) {
    if (options?.forceFallbackAdapter) return adapters.find((a) => a.info?.isFallbackAdapter) ?? null;
    return adapters[0] ?? null;
  },
});

const H100 = "NVIDIA H100 80GB HBM3";
/** Dawn on NVIDIA, as issue 14 feared: a nested feature entry is not a GPUFeatureName. */
const refusesNested: DeviceRule = (f) => (f?.some(Array.isArray) ? "Failed to execute 'requestDevice': 'bgra8unorm-storage' is not a valid enum value" : undefined);

async function report(sources: SystemSources) {
  const lines: string[] = [];
  const result = await systemReport((l) => lines.push(l), sources);
  return { result, lines, causes: result.causes.map((c) => c.name), log: lines.join("\n") };
}

describe("gpu-check's system report", () => {
  it("finds a working GPU on a complete install, and names the nested-features refusal compactor works around", async () => {
    const { result, causes, log } = await report({ diagnosis: system(), gpu: gpuOf(adapter(H100, false, refusesNested)) });
    expect(result.gpuUsable).toBe(true);
    expect(causes).toEqual(["nested-features-rejected"]);
    expect(result.causes[0]!.fatal).toBe(false);
    expect(log).toMatch(/adapter 1: nvidia hopper NVIDIA H100 80GB HBM3: GPU \(info\.isFallbackAdapter false/);
    expect(log).toMatch(/flattened by compactor \["timestamp-query","bgra8unorm-storage"\]: accepted/);
    expect(log).toMatch(/as tfjs 4\.22 sends them \["timestamp-query",\["bgra8unorm-storage"\]\]: rejected: .*not a valid enum value/);
    expect(log).toMatch(/verdict: a GPU adapter makes a device/);
  });

  it("names a missing libvulkan.so.1, and Dawn finding no adapter", async () => {
    const { result, causes, log } = await report({ diagnosis: system({ libvulkan: undefined }), gpu: gpuOf() });
    expect(result.gpuUsable).toBe(false);
    expect(causes).toEqual(["no-libvulkan", "no-adapter"]);
    expect(log).toMatch(/libvulkan\.so\.1 \(Vulkan loader\): MISSING \(searched \/usr\/lib\/x86_64-linux-gnu\)/);
    expect(log).toMatch(/CAUSE no-libvulkan: libvulkan\.so\.1 .* install libvulkan1/);
    expect(log).toMatch(/verdict: no usable GPU adapter; causes: no-libvulkan, no-adapter/);
  });

  it("names a compute-only driver without the NVIDIA Vulkan ICD, with lavapipe as the only adapter", async () => {
    const lvp = { file: "/usr/share/vulkan/icd.d/lvp_icd.json", library: "libvulkan_lvp.so", libraryFound: "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so", kind: "software" as const };
    const { result, causes, log } = await report({ diagnosis: system({ icds: [lvp] }), gpu: gpuOf(adapter("llvmpipe (LLVM 15.0.6, 256 bits)", true)) });
    expect(result.gpuUsable).toBe(false);
    expect(causes).toEqual(["no-nvidia-icd", "software-only"]);
    expect(log).toMatch(/CAUSE no-nvidia-icd: .*nvidia-vulkan-icd/);
    expect(log).toMatch(/adapter 1: .*llvmpipe.*: SOFTWARE \(info\.isFallbackAdapter true/);
    expect(log).toMatch(/CAUSE software-only: only software adapters/);
  });

  it("names a container without the GPU's /dev nodes and one without the graphics capability", async () => {
    const noDevices = await report({ diagnosis: system({ nvidiaDevices: [] }), gpu: gpuOf() });
    expect(noDevices.causes).toEqual(["no-nvidia-devices", "no-adapter"]);
    expect(noDevices.log).toMatch(/NVIDIA device nodes: none in \/dev/);
    const noGraphics = await report({ diagnosis: system({ icds: [], nvidiaCapabilities: "compute,utility" }), gpu: gpuOf() });
    expect(noGraphics.causes).toEqual(["container-no-graphics", "no-adapter"]);
    expect(noGraphics.log).toMatch(/CAUSE container-no-graphics: .*NVIDIA_DRIVER_CAPABILITIES=compute,utility lacks "graphics"/);
  });

  it("names a missing Dawn", async () => {
    const { result, causes, log } = await report({
      diagnosis: system(),
      gpu: () => Promise.reject(new Error(`the "webgpu" package (Dawn for Node) is not installed or failed to load (Cannot find package 'webgpu'): npm install webgpu`)),
    });
    expect(result.gpuUsable).toBe(false);
    expect(causes).toEqual(["dawn-missing"]);
    expect(log).toMatch(/CAUSE dawn-missing: the "webgpu" package/);
  });

  it("names an adapter that refuses every device, and one that refuses the features tfjs needs", async () => {
    const lost = await report({ diagnosis: system(), gpu: gpuOf(adapter(H100, false, () => "Failed to create device: VK_ERROR_INITIALIZATION_FAILED")) });
    expect(lost.result.gpuUsable).toBe(false);
    expect(lost.causes).toEqual(["request-device-failed"]);
    expect(lost.log).toMatch(/CAUSE request-device-failed: adapter 1 \(nvidia hopper NVIDIA H100 80GB HBM3\) refused requestDevice\(\) with no features: rejected: .*VK_ERROR_INITIALIZATION_FAILED/);
    const picky = await report({ diagnosis: system(), gpu: gpuOf(adapter(H100, false, (f) => (f?.includes("bgra8unorm-storage") ? "feature bgra8unorm-storage is not supported" : undefined))) });
    expect(picky.result.gpuUsable).toBe(false);
    expect(picky.causes).toEqual(["features-rejected"]);
    expect(picky.log).toMatch(/CAUSE features-rejected: .*makes a plain device but refuses the features tfjs asks for \["timestamp-query","bgra8unorm-storage"\]/);
  });
});
