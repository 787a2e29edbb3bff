// WebGPU adapters as Dawn's Node binding presents them, and which of them are
// software. Dawn reports `isFallbackAdapter` on `adapter.info` only (the
// adapter's own `isFallbackAdapter` is undefined), so reading the adapter's
// property let mesa's llvmpipe (lavapipe) pass for a GPU. A software adapter
// is also recognised by its architecture or name, in case a binding leaves the
// flag out: compactor must never pick one when a GPU is asked for.

/** The parts of GPUAdapterInfo compactor reads. */
export interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

/** The parts of GPUAdapter compactor reads (Dawn's, or a browser's). */
export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  /** Older spec drafts put the flag here; Dawn for Node does not. */
  readonly isFallbackAdapter?: boolean;
  readonly features: { has(name: string): boolean; [Symbol.iterator](): Iterator<string> };
  readonly limits: Record<string, unknown>;
  requestDevice(descriptor?: GpuDeviceDescriptorLike): Promise<unknown>;
}

export interface GpuDeviceDescriptorLike {
  requiredFeatures?: Iterable<unknown>;
  requiredLimits?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GpuRequestAdapterOptions {
  readonly powerPreference?: "high-performance" | "low-power";
  readonly forceFallbackAdapter?: boolean;
}

/** navigator.gpu's one method compactor uses. */
export interface GpuLike {
  requestAdapter(options?: GpuRequestAdapterOptions): Promise<GpuAdapterLike | null>;
}

/** Names that only CPU implementations of Vulkan/WebGPU use. */
const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|software rasterizer|microsoft basic render/i;

export interface AdapterSummary {
  /** vendor, architecture and description joined, as people read it. */
  readonly name: string;
  readonly software: boolean;
  /** The isFallbackAdapter flag as reported (info's, else the adapter's), or undefined when neither has it. */
  readonly fallbackFlag?: boolean;
  readonly features: readonly string[];
}

export function isSoftwareAdapter(adapter: Pick<GpuAdapterLike, "info" | "isFallbackAdapter">): boolean {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  if (/^(software|cpu)$/i.test(info.architecture ?? "")) return true;
  return SOFTWARE_NAMES.test([info.vendor, info.architecture, info.device, info.description].join(" "));
}

export function adapterName(adapter: Pick<GpuAdapterLike, "info">): string {
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.description || info.device].filter((s): s is string => !!s);
  return parts.join(" ") || "unnamed adapter";
}

export function summarizeAdapter(adapter: GpuAdapterLike): AdapterSummary {
  const flag = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter;
  return {
    name: adapterName(adapter),
    software: isSoftwareAdapter(adapter),
    ...(flag !== undefined ? { fallbackFlag: flag } : {}),
    features: [...adapter.features].sort(),
  };
}

export interface FoundAdapter {
  readonly adapter: GpuAdapterLike;
  readonly summary: AdapterSummary;
  /** The request that returned it, to ask for it again (an adapter makes one device). */
  readonly request: GpuRequestAdapterOptions;
}

export interface AdapterSearch {
  /** Distinct adapters, GPUs first. */
  readonly found: FoundAdapter[];
  /** Requests that threw, with the reason (a null answer is not an error). */
  readonly errors: string[];
}

const REQUESTS: readonly GpuRequestAdapterOptions[] = [
  { powerPreference: "high-performance" },
  { powerPreference: "low-power" },
  { forceFallbackAdapter: true },
];

/**
 * WebGPU has no "list adapters": ask for the high-performance, low-power and
 * fallback adapters and keep the distinct ones, GPUs first.
 */
export async function findAdapters(gpu: GpuLike): Promise<AdapterSearch> {
  const found: FoundAdapter[] = [];
  const errors: string[] = [];
  for (const request of REQUESTS) {
    let adapter: GpuAdapterLike | null;
    try {
      adapter = await gpu.requestAdapter(request);
    } catch (e) {
      errors.push(`requestAdapter(${JSON.stringify(request)}) threw: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (!adapter) continue;
    const summary = summarizeAdapter(adapter);
    if (!found.some((f) => f.summary.name === summary.name)) found.push({ adapter, summary, request });
  }
  return { found: [...found.filter((f) => !f.summary.software), ...found.filter((f) => f.summary.software)], errors };
}
