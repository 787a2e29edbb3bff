// Messages between the training coordinator (main thread) and its workers.
// Large arrays travel through the shared regions of layout.ts; messages carry
// the shard's inputs, scalars, and the (small) BatchNorm state.
import type { Graph } from "../../graph/types.js";
import type { Region } from "./layout.js";

export interface InitMessage {
  readonly type: "init";
  /** 1-based worker number (the main thread computes shard 0). */
  readonly index: number;
  readonly graph: Graph;
  readonly backend: string;
  /** Trainable initializer names, in the order of the gradient regions. */
  readonly gradRegions: readonly Region[];
  readonly weightRegions: readonly Region[];
  readonly weights: Float32Array;
  readonly grads: Float32Array;
  readonly control: Int32Array;
  /** Threads of the worker's native GEMM sessions: its share of the cores (each thread of the run gets one). */
  readonly nativeGemmThreads: number;
}

export interface StepMessage {
  readonly type: "step";
  readonly step: number;
  readonly seed: number;
  /** Rows of this shard / rows of the batch: the gradients written are of scale × loss. */
  readonly scale: number;
  readonly dims: readonly number[];
  readonly x: Float32Array;
  readonly y: Int32Array;
}

export type ToWorker = InitMessage | StepMessage;

export interface WorkerTiming {
  /** Copying the published weights into the worker's variables. */
  readonly copyInMs: number;
  /** Forward and backward of the shard. */
  readonly computeMs: number;
  /** Writing gradients and state out. */
  readonly copyOutMs: number;
}

export type FromWorker =
  | { readonly type: "ready"; readonly nativeGemmThreads?: number }
  | {
      readonly type: "done";
      readonly step: number;
      readonly loss: number;
      readonly correct: number;
      /** Trainable names that got no gradient (not reached by the loss). */
      readonly missing: readonly string[];
      readonly state: readonly (readonly [string, Float32Array])[];
      readonly timing: WorkerTiming;
    }
  | { readonly type: "error"; readonly message: string; readonly stack?: string };
