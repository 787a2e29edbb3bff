// What this CPU offers for int8 arithmetic, read from /proc/cpuinfo (Linux) at
// run time — never assumed. Whether an int8 kernel beats float depends on it:
// with VNNI (AVX512_VNNI, AVX_VNNI) or Arm's dot product (asimddp, i8mm) one
// instruction does four int8 multiply-adds per lane; on plain AVX2 int8
// kernels need a three-instruction sequence and some (depthwise conv) lose.
import { readFileSync } from "node:fs";
import { arch, cpus } from "node:os";

/** Flags that matter for quantized kernels, in the order reports list them. */
const INT8_FLAGS = ["avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8", "asimd", "asimddp", "i8mm", "sve"] as const;
const DOT_PRODUCT_FLAGS = new Set(["avx512_vnni", "avx_vnni", "amx_int8", "asimddp", "i8mm"]);

export interface CpuFeatures {
  readonly model: string;
  readonly arch: string;
  readonly logicalCores: number;
  /** The int8-relevant flags this CPU reports (subset of INT8_FLAGS). */
  readonly flags: readonly string[];
  /** An int8 dot-product instruction (VNNI, AMX, Arm dot product) is there. */
  readonly int8DotProduct: boolean;
  /** Distinct (package, core) pairs: cores that do not share SIMD units; undefined where cpuinfo does not say. */
  readonly physicalCores?: number;
  /** Where the flags came from: "/proc/cpuinfo", or "unavailable" (then flags is empty). */
  readonly source: string;
}

/** Parses /proc/cpuinfo text (x86 "flags", Arm "Features"). */
export function parseCpuinfo(text: string): { model: string; flags: string[] } {
  const model = /^(?:model name|Hardware|CPU part)\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? "unknown";
  const line = /^(?:flags|Features)\s*:\s*(.+)$/m.exec(text)?.[1] ?? "";
  const present = new Set(line.trim().split(/\s+/));
  return { model, flags: INT8_FLAGS.filter((f) => present.has(f)) };
}

/** Distinct "physical id" × "core id" pairs over the processors listed (x86 cpuinfo), or undefined without core ids. */
export function parsePhysicalCores(text: string): number | undefined {
  const cores = new Set<string>();
  for (const block of text.split(/\n\s*\n/)) {
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (core === undefined) continue;
    cores.add(`${/^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? "0"}:${core}`);
  }
  return cores.size > 0 ? cores.size : undefined;
}

let cached: CpuFeatures | undefined;

export function cpuFeatures(): CpuFeatures {
  if (cached) return cached;
  const base = { arch: arch(), logicalCores: cpus().length };
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const { model, flags } = parseCpuinfo(text);
    const physicalCores = parsePhysicalCores(text);
    cached = { ...base, model, flags, int8DotProduct: flags.some((f) => DOT_PRODUCT_FLAGS.has(f)), source: "/proc/cpuinfo", ...(physicalCores ? { physicalCores } : {}) };
  } catch {
    cached = { ...base, model: cpus()[0]?.model ?? "unknown", flags: [], int8DotProduct: false, source: "unavailable" };
  }
  return cached;
}

/**
 * Whether onnxruntime's uint8 × int8 kernels saturate on this CPU: on x86-64
 * without an int8 dot-product instruction (AVX2, AVX-512 without VNNI) they
 * multiply with VPMADDUBSW, which adds each pair of products into a saturating
 * int16, so |a·w + a′·w′| above 32,767 is clipped (255·127·2 = 64,770 can
 * occur). onnxruntime's documentation recommends 7-bit weights ("reduce
 * range") there; with |w| ≤ 64 a pair stays within 255·64·2 = 32,640. x86-64
 * whose flags could not be read counts as saturating (the safe side).
 */
export function int8PairsSaturate(c: CpuFeatures = cpuFeatures()): boolean {
  return c.arch === "x64" && !c.int8DotProduct;
}

/** "AMD EPYC … (x64, 2 cores): avx2 avx512f avx512_vnni — int8 dot product: yes". */
export function describeCpu(c: CpuFeatures = cpuFeatures()): string {
  const flags = c.flags.length > 0 ? c.flags.join(" ") : `no int8 flags known (${c.source})`;
  return `${c.model} (${c.arch}, ${c.logicalCores} logical cores): ${flags} — int8 dot product: ${c.int8DotProduct ? "yes" : "no"}`;
}
