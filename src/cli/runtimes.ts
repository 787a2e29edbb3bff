// The two runtimes behind `run`, `bench` and the benchmark script, behind one
// shape: open once for a graph, then run feeds to outputs. onnxruntime is the
// reference and the fast inference engine; tfjs is the differentiable one.
import { mustBeOneOf } from "../core/errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import { createOrtSession } from "../runtime/ort.js";
import type { BackendChoice } from "../runtime/tfjs/backends.js";

/** Mirrors runtime/tfjs/backends.ts BACKENDS; kept here so ort-only commands never load tfjs. */
export const TFJS_BACKENDS: readonly BackendChoice[] = ["auto", "tfjs-node-gpu", "tfjs-node", "webgpu", "wasm", "cpu"];

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
  if (!(TFJS_BACKENDS as readonly string[]).includes(value)) throw mustBeOneOf("--tfjs-backend", value, TFJS_BACKENDS);
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
  // Loaded on first use: `info` and `--backend ort` start faster without tfjs and its wasm.
  const { compile } = await import("../runtime/tfjs/compile.js");
  const compiled = await compile(graph, { backend: options.tfjsBackend ?? "wasm" });
  return { runtime, run: (feeds) => compiled.run(feeds), dispose: () => compiled.dispose() };
}
