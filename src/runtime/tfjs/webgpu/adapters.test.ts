// Which adapters count as software, on what Dawn and browsers report: Dawn for
// Node sets isFallbackAdapter on adapter.info only (the adapter's own property
// is undefined), so the old check let llvmpipe pass for a GPU. findAdapters
// keeps distinct adapters, GPUs first, and keeps going past a request that throws.
import { describe, expect, it } from "vitest";
import { adapterName, findAdapters, isSoftwareAdapter, type GpuAdapterLike, type GpuLike, type GpuRequestAdapterOptions } from "./adapters.js";

/** What Dawn 0.6 reports for mesa's llvmpipe (measured on this machine). */
const LLVMPIPE = { vendor: "mesa", architecture: "software", device: "", description: "llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1", isFallbackAdapter: true };
const H100 = { vendor: "nvidia", architecture: "hopper", device: "", description: "NVIDIA H100 80GB HBM3", isFallbackAdapter: false };

function adapter(info: object, own: { isFallbackAdapter?: boolean } = {}): GpuAdapterLike {
  const features = new Set(["timestamp-query"]);
  return { info, ...own, features, limits: {}, requestDevice: async () => ({}) };
}

describe("isSoftwareAdapter", () => {
  it("reads Dawn's flag on adapter.info, where the adapter's own is undefined", () => {
    const dawn = adapter(LLVMPIPE);
    expect((dawn as { isFallbackAdapter?: boolean }).isFallbackAdapter).toBeUndefined();
    expect(isSoftwareAdapter(dawn)).toBe(true);
  });

  it("also reads the adapter's own flag (older browsers)", () => {
    expect(isSoftwareAdapter(adapter({ vendor: "google" }, { isFallbackAdapter: true }))).toBe(true);
  });

  it("knows software adapters by architecture or name when the flag is missing", () => {
    expect(isSoftwareAdapter(adapter({ vendor: "mesa", architecture: "software" }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: "google", description: "SwiftShader Device (Subzero)" }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: "mesa", description: "lavapipe" }))).toBe(true);
  });

  it("passes a GPU", () => {
    expect(isSoftwareAdapter(adapter(H100))).toBe(false);
    expect(adapterName(adapter(H100))).toBe("nvidia hopper NVIDIA H100 80GB HBM3");
  });
});

describe("findAdapters", () => {
  it("keeps distinct adapters, GPUs first, with the request that found each", async () => {
    const gpu: GpuLike = {
      requestAdapter: async (o?: GpuRequestAdapterOptions) => (o?.forceFallbackAdapter ? adapter(LLVMPIPE) : o?.powerPreference === "low-power" ? adapter(LLVMPIPE) : adapter(H100)),
    };
    const { found, errors } = await findAdapters(gpu);
    expect(errors).toEqual([]);
    expect(found.map((f) => [f.summary.name, f.summary.software, f.request])).toEqual([
      ["nvidia hopper NVIDIA H100 80GB HBM3", false, { powerPreference: "high-performance" }],
      ["mesa software llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1", true, { powerPreference: "low-power" }],
    ]);
    expect(found[1]!.summary).toMatchObject({ fallbackFlag: true, features: ["timestamp-query"] });
  });

  it("records a request that throws and still returns the others", async () => {
    const gpu: GpuLike = {
      requestAdapter: async (o?: GpuRequestAdapterOptions) => {
        if (o?.forceFallbackAdapter) throw new Error("no fallback here");
        return o?.powerPreference === "high-performance" ? null : adapter(H100);
      },
    };
    const { found, errors } = await findAdapters(gpu);
    expect(found.map((f) => f.request)).toEqual([{ powerPreference: "low-power" }]);
    expect(errors).toEqual(['requestAdapter({"forceFallbackAdapter":true}) threw: no fallback here']);
  });
});
