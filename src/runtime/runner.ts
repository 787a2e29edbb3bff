// The one switch between the two runtimes: Model.run, evaluate, the checked
// save, `compactor run`/`bench` and the benchmark scripts open a Runner here
// and run feeds to outputs. onnxruntime is the reference and the fast
// inference engine; tfjs is the differentiable one. A Runtime (ort | tfjs) is
// not a tfjs backend (wasm, webgpu, cpu…: tfjsBackend).
import { mustBeOneOf } from "../core/errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import { createOrtSession } from "./ort.js";
import type { BackendChoice } from "./tfjs/backends.js";

/** Mirrors runtime/tfjs/backends.ts BACKENDS; kept here so ort-only commands never load tfjs. */
export const TFJS_BACKENDS: readonly BackendChoice[] = ["auto", "tfjs-node-gpu", "tfjs-node", "webgpu", "wasm", "cpu"];

export const RUNTIMES = ["tfjs", "ort"] as const;
export type Runtime = (typeof RUNTIMES)[number];

export interface Runner {
  readonly runtime: Runtime;
  /** All graph outputs, or only `outputs` (intermediate values need the graph to list them as outputs on tfjs). */
  run(feeds: Record<string, Tensor>, options?: { outputs?: string[] }): Promise<Record<string, Tensor>>;
  dispose(): void;
}

export function parseRuntime(value: unknown, what = "--backend"): Runtime {
  if (!(RUNTIMES as readonly unknown[]).includes(value)) throw mustBeOneOf(what, value, RUNTIMES);
  return value as Runtime;
}

export function parseTfjsBackend(value: string): BackendChoice {
  if (!(TFJS_BACKENDS as readonly string[]).includes(value)) throw mustBeOneOf("--tfjs-backend", value, TFJS_BACKENDS);
  return value as BackendChoice;
}

export interface OpenOptions {
  /** tfjs backend (default: the active one, else wasm). */
  readonly tfjsBackend?: BackendChoice;
  /** onnxruntime intra-op threads (default: onnxruntime's own). */
  readonly ortThreads?: number;
  /** onnxruntime graph optimizations (default "all"; "disabled" runs each node as written). */
  readonly ortOptimization?: "all" | "disabled";
}

export async function openRunner(runtime: Runtime, graph: Graph, options: OpenOptions = {}): Promise<Runner> {
  parseRuntime(runtime, "runtime");
  if (runtime === "ort") {
    const session = await createOrtSession(graph, {
      ...(options.ortThreads !== undefined ? { threads: options.ortThreads } : {}),
      ...(options.ortOptimization !== undefined ? { optimization: options.ortOptimization } : {}),
    });
    return { runtime, run: (feeds, o) => session.run(feeds, o?.outputs ? { outputs: o.outputs } : {}), dispose: () => {} };
  }
  // Loaded on first use: `info` and `--backend ort` start faster without tfjs and its wasm.
  const { compile } = await import("./tfjs/compile.js");
  const compiled = await compile(graph, options.tfjsBackend ? { backend: options.tfjsBackend } : {});
  return { runtime, run: (feeds, o) => compiled.run(feeds, o?.outputs ? { outputs: o.outputs } : undefined), dispose: () => compiled.dispose() };
}

/** Opens a runner, runs `use` with it and disposes it, also when `use` throws. */
export async function withRunner<T>(runtime: Runtime, graph: Graph, use: (runner: Runner) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  const runner = await openRunner(runtime, graph, options);
  try {
    return await use(runner);
  } finally {
    runner.dispose();
  }
}
