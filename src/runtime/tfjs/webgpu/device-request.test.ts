// The stand-in navigator.gpu tfjs-backend-webgpu is given: its adapters'
// requestDevice receives tfjs 4.22's exact descriptor (a nested
// ['bgra8unorm-storage']) and passes Dawn a flat list of features the adapter
// has; requestAdapter asks with compactor's chosen request, not tfjs's.
import { describe, expect, it } from "vitest";
import type { GpuAdapterLike, GpuDeviceDescriptorLike, GpuRequestAdapterOptions } from "./adapters.js";
import { fixRequiredFeatures, gpuFor, lastDeviceRequest, withFeatureFix } from "./device-request.js";

describe("fixRequiredFeatures", () => {
  it("flattens nested entries and keeps what the adapter has", () => {
    const has = (f: string) => ["timestamp-query", "bgra8unorm-storage"].includes(f);
    expect(fixRequiredFeatures(["timestamp-query", ["bgra8unorm-storage"]], has)).toEqual({
      features: ["timestamp-query", "bgra8unorm-storage"],
      flattened: ["bgra8unorm-storage"],
      unsupported: [],
    });
  });

  it("drops unsupported and repeated features, and accepts no list", () => {
    const has = (f: string) => f === "timestamp-query";
    expect(fixRequiredFeatures(["timestamp-query", [["shader-f16"]], "timestamp-query"], has)).toEqual({
      features: ["timestamp-query"],
      flattened: ["shader-f16"],
      unsupported: ["shader-f16"],
    });
    expect(fixRequiredFeatures(undefined, has)).toEqual({ features: [], flattened: [], unsupported: [] });
  });
});

/** An adapter that, like a strict binding, rejects anything but a flat list of its own features. */
function strictAdapter(received: GpuDeviceDescriptorLike[]): GpuAdapterLike {
  const features = new Set(["timestamp-query", "bgra8unorm-storage"]);
  const self = {
    info: { vendor: "nvidia", description: "test" },
    features,
    limits: { maxBufferSize: 1 << 30 },
    async requestDevice(this: unknown, descriptor: GpuDeviceDescriptorLike = {}) {
      if (this !== self) throw new TypeError("Illegal invocation");
      received.push(descriptor);
      for (const f of descriptor.requiredFeatures ?? []) {
        if (typeof f !== "string" || !features.has(f)) throw new TypeError(`Unsupported feature: ${String(f)}`);
      }
      return { addEventListener: () => undefined };
    },
  };
  return self;
}

describe("withFeatureFix and gpuFor", () => {
  it("requests a device with tfjs 4.22's descriptor without the nested array reaching the adapter", async () => {
    const received: GpuDeviceDescriptorLike[] = [];
    const raw = strictAdapter(received);
    await expect(raw.requestDevice({ requiredFeatures: ["timestamp-query", ["bgra8unorm-storage"]] })).rejects.toThrow(/Unsupported feature/);
    received.length = 0;
    const fixed = withFeatureFix(raw);
    await fixed.requestDevice({ requiredFeatures: ["timestamp-query", ["bgra8unorm-storage"]], requiredLimits: { maxBufferSize: 1 << 30 } });
    expect(received).toEqual([{ requiredFeatures: ["timestamp-query", "bgra8unorm-storage"], requiredLimits: { maxBufferSize: 1 << 30 } }]);
    expect(lastDeviceRequest()?.fix.flattened).toEqual(["bgra8unorm-storage"]);
    // Everything else reads from the adapter itself.
    expect(fixed.features.has("timestamp-query")).toBe(true);
    expect(fixed.limits.maxBufferSize).toBe(1 << 30);
    expect(fixed.info?.vendor).toBe("nvidia");
  });

  it("asks for the chosen adapter whatever tfjs passes, a fresh one each time", async () => {
    const asked: (GpuRequestAdapterOptions | undefined)[] = [];
    const raw = { requestAdapter: async (o?: GpuRequestAdapterOptions) => (asked.push(o), strictAdapter([])) };
    const gpu = gpuFor(raw, { powerPreference: "low-power" });
    const a = await gpu.requestAdapter({ powerPreference: "high-performance" });
    const b = await gpu.requestAdapter();
    expect(asked).toEqual([{ powerPreference: "low-power" }, { powerPreference: "low-power" }]);
    expect(a).not.toBe(b);
    await expect(a!.requestDevice({ requiredFeatures: [["bgra8unorm-storage"]] })).resolves.toBeDefined();
  });
});
