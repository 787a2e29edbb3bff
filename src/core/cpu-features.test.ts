import { describe, expect, it } from "vitest";
import { cpuFeatures, describeCpu, parseCpuinfo } from "./cpu-features.js";

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
});
