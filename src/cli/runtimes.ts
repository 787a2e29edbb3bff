// The two runtimes behind `run`, `bench` and the benchmark script, behind one
// shape: open once for a graph, then run feeds to outputs. onnxruntime is the
// reference and the fast inference engine; tfjs is the differentiable one.
import { mustBeOneOf } from "../errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import { createOrtSession } from "../runtime/ort.js";
import { compile } from "../runtime/tfjs/compile.js";
import { BACKENDS, type BackendChoice } from "../runtime/tfjs/backends.js";

export const RUNTIMES = ["tfjs", "ort"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export interface Runner {
  readonly runtime: RuntimeName;
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  dispose(): void;
}

export function parseRuntime(value: string, what = "--backend"): RuntimeName {
  if (!(RUNTIMES as readonly string[]).includes(value)) throw mustBeOneOf(what, value, RUNTIMES);
  return value as RuntimeName;
}

export function parseTfjsBackend(value: string): BackendChoice {
  if (!(BACKENDS as readonly string[]).includes(value)) throw mustBeOneOf("--tfjs-backend", value, BACKENDS);
  return value as BackendChoice;
}

export interface OpenOptions {
  /** tfjs backend (default wasm). */
  readonly tfjsBackend?: BackendChoice;
  /** onnxruntime intra-op threads (default: onnxruntime's own). */
  readonly ortThreads?: number;
}

export async function openRunner(runtime: RuntimeName, graph: Graph, options: OpenOptions = {}): Promise<Runner> {
  if (runtime === "ort") {
    const session = await createOrtSession(graph, options.ortThreads !== undefined ? { threads: options.ortThreads } : {});
    return { runtime, run: (feeds) => session.run(feeds), dispose: () => {} };
  }
  const compiled = await compile(graph, { backend: options.tfjsBackend ?? "wasm" });
  return { runtime, run: (feeds) => compiled.run(feeds), dispose: () => compiled.dispose() };
}
