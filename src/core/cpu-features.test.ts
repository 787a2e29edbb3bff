import { describe, expect, it } from "vitest";
import { cpuFeatures, describeCpu, int8PairsSaturate, parseCpuinfo, parsePhysicalCores, type CpuFeatures } from "./cpu-features.js";

describe("cpu features", () => {
  it("reads x86 flags and the model name", () => {
    const text = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse avx avx2 avx512f avx512bw avx512_vnni\n";
    expect(parseCpuinfo(text)).toEqual({ model: "Some CPU", flags: ["avx2", "avx512f", "avx512bw", "avx512_vnni"] });
  });

  it("reads Arm features", () => {
    expect(parseCpuinfo("Features\t: fp asimd asimddp i8mm\nCPU part\t: 0xd0c\n").flags).toEqual(["asimd", "asimddp", "i8mm"]);
  });

  it("describes this machine from what it reports", () => {
    const c = cpuFeatures();
    expect(c.logicalCores).toBeGreaterThan(0);
    expect(describeCpu(c)).toContain(c.int8DotProduct ? "int8 dot product: yes" : "int8 dot product: no");
  });

  it("counts physical cores from core ids: hyperthreads of one core count once", () => {
    const proc = (n: number, core: number, pkg = 0) => `processor\t: ${n}\nphysical id\t: ${pkg}\ncore id\t\t: ${core}\n`;
    expect(parsePhysicalCores([proc(0, 0), proc(1, 1)].join("\n"))).toBe(2);
    expect(parsePhysicalCores([proc(0, 0), proc(1, 0)].join("\n"))).toBe(1);
    expect(parsePhysicalCores([proc(0, 0), proc(1, 0, 1), proc(2, 0), proc(3, 0, 1)].join("\n"))).toBe(2);
    expect(parsePhysicalCores("Features\t: fp asimd\n")).toBeUndefined();
  });

  it("says where onnxruntime's uint8×int8 kernels saturate: x86-64 without an int8 dot product", () => {
    const cpu = (arch: string, flags: string[], int8DotProduct: boolean): CpuFeatures => ({ model: "m", arch, logicalCores: 2, flags, int8DotProduct, source: "/proc/cpuinfo" });
    expect(int8PairsSaturate(cpu("x64", ["avx2"], false))).toBe(true);
    expect(int8PairsSaturate(cpu("x64", ["avx2", "avx512f", "avx512bw"], false))).toBe(true);
    expect(int8PairsSaturate(cpu("x64", ["avx2", "avx512_vnni"], true))).toBe(false);
    expect(int8PairsSaturate(cpu("x64", ["avx2", "avx_vnni"], true))).toBe(false);
    expect(int8PairsSaturate(cpu("arm64", ["asimd"], false))).toBe(false);
    expect(int8PairsSaturate({ ...cpu("x64", [], false), source: "unavailable" })).toBe(true);
  });
});
