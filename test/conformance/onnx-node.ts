// Loading and checking ONNX's own backend node tests (Debian's libonnx-testdata:
// <dir>/model.onnx plus test_data_set_*/input_*.pb and output_*.pb) against
// the tfjs runtime. Comparison follows ONNX's backend test runner: floats
// within rtol 1e-3 / atol 1e-7, integers and bools exactly, shapes exactly.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { decodeModel, decodeTensor } from "../../src/formats/onnx/index.js";
import type { DType, Graph, Tensor } from "../../src/graph/types.js";
import { UnsupportedOpError } from "../../src/core/errors.js";
import { compile, opRegistry } from "../../src/runtime/tfjs/compile.js";
import { tfValuesOf } from "../../src/runtime/tfjs/tensors.js";

export const NODE_TESTS_DIR = "/usr/share/libonnx-testdata/data/node";
export const RTOL = 1e-3;
export const ATOL = 1e-7;

export function listNodeTests(): string[] {
  if (!existsSync(NODE_TESTS_DIR)) return [];
  return readdirSync(NODE_TESTS_DIR).filter((name) => existsSync(join(NODE_TESTS_DIR, name, "model.onnx"))).sort();
}

export interface DataSet {
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
}

/** What became of one test: not runnable here (unloadable, unsupported ops), passed or failed and why. */
export type Outcome =
  | { kind: "unloadable"; reason: string }
  | { kind: "unsupported"; ops: string[] }
  | { kind: "passed" }
  | { kind: "failed"; reason: string };

function readDataSets(dir: string): DataSet[] {
  const sets = readdirSync(dir).filter((d) => d.startsWith("test_data_set_")).sort();
  return sets.map((set) => {
    const files = readdirSync(join(dir, set));
    const read = (prefix: string) =>
      files
        .filter((f) => f.startsWith(prefix) && f.endsWith(".pb"))
        .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)))
        .map((f) => decodeTensor(readFileSync(join(dir, set, f)), { file: join(dir, set, f) }).tensor);
    return { inputs: read("input_"), outputs: read("output_") };
  });
}

const FLOATS: readonly DType[] = ["float32", "float64", "float16", "bfloat16"];
const kindOf = (d: DType) => (FLOATS.includes(d) ? "float" : d === "bool" ? "bool" : d === "string" ? "string" : "int");

/** First difference between an expected and a computed tensor, or undefined when they agree. */
export function difference(expected: Tensor, got: Tensor): string | undefined {
  if (kindOf(expected.dtype) !== kindOf(got.dtype)) return `dtype ${got.dtype}, expected ${expected.dtype}`;
  if (expected.dims.length !== got.dims.length || expected.dims.some((d, i) => d !== got.dims[i])) {
    return `shape [${got.dims.join(", ")}], expected [${expected.dims.join(", ")}]`;
  }
  if (expected.dtype === "string") return "string tensors are not compared";
  const want = tfValuesOf(expected, "expected");
  const have = tfValuesOf(got, "got");
  const exact = kindOf(expected.dtype) !== "float";
  // int64 expectations beyond int32 cannot be held by tfjs; compare the exact values instead of clamped ones.
  const wantExact = expected.dtype === "int64" || expected.dtype === "uint64" ? Array.from(expected.data as ArrayLike<bigint>, Number) : want;
  for (let i = 0; i < want.length; i++) {
    const w = wantExact[i] as number;
    const h = have[i] as number;
    if (exact ? w !== h : !closeEnough(w, h)) {
      return `element ${i}: got ${h}, expected ${w}${exact ? "" : ` (rtol ${RTOL}, atol ${ATOL})`}`;
    }
  }
  return undefined;
}

function closeEnough(want: number, got: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return want === got;
  return Math.abs(got - want) <= ATOL + RTOL * Math.abs(want);
}

/** Loads, checks support with the compiler's own registry, runs every data set and compares. */
export async function runNodeTest(name: string): Promise<Outcome> {
  const dir = join(NODE_TESTS_DIR, name);
  let graph: Graph;
  let sets: DataSet[];
  try {
    graph = decodeModel(readFileSync(join(dir, "model.onnx")), { file: join(dir, "model.onnx") });
    sets = readDataSets(dir);
  } catch (e) {
    return { kind: "unloadable", reason: firstLine(e) };
  }
  try {
    opRegistry().resolveGraph(graph);
  } catch (e) {
    if (e instanceof UnsupportedOpError) return { kind: "unsupported", ops: e.unsupported.map((u) => `${u.domain ? u.domain + "." : ""}${u.op}@${u.opset}`) };
    throw e;
  }
  let compiled: Awaited<ReturnType<typeof compile>> | undefined;
  try {
    compiled = await compile(graph);
    for (const [s, set] of sets.entries()) {
      if (set.inputs.length > graph.inputs.length) return { kind: "failed", reason: `data set ${s} has ${set.inputs.length} inputs for ${graph.inputs.length} graph inputs` };
      const feeds = Object.fromEntries(set.inputs.map((t, i) => [graph.inputs[i]!.name, asDeclared(t, graph.inputs[i]!.dtype)]));
      const outputs = await compiled.run(feeds);
      for (const [i, expected] of set.outputs.entries()) {
        const outName = graph.outputs[i]!.name;
        const got = outputs[outName];
        if (got === undefined) return { kind: "failed", reason: `output "${outName}" missing` };
        const diff = difference(asDeclared(expected, graph.outputs[i]!.dtype), got);
        if (diff !== undefined) return { kind: "failed", reason: `data set ${s}, output "${outName}": ${diff}` };
      }
    }
    return { kind: "passed" };
  } catch (e) {
    return { kind: "failed", reason: firstLine(e) };
  } finally {
    compiled?.dispose();
  }
}

/**
 * ONNX's test generator stores bfloat16 data as uint16 tensors holding the raw
 * bits; read them as the bfloat16 the model declares, as ONNX's own runner does.
 */
function asDeclared(t: Tensor, declared: DType): Tensor {
  return declared === "bfloat16" && t.dtype === "uint16" ? { ...t, dtype: "bfloat16" } : t;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return message.split("\n").slice(0, 3).join(" | ").slice(0, 300);
}
