// One forward/backward pass over a batch (or a shard of one): the loss, the
// correct count and the gradients by initializer name, plus the BatchNorm state
// the forward recorded. Shared by the single-threaded loop, the main thread's
// shard in data-parallel training and the worker threads.
import { tf } from "../runtime/tfjs/tf.js";
import type { TrainableModel } from "./compiled.js";
import type { Batch } from "./data.js";
import type { ModelIO } from "./preflight.js";
import { crossEntropy, countCorrect } from "./loss.js";

export interface ShardGradients {
  /** Mean loss over the shard's samples (unscaled). */
  readonly loss: number;
  /** Rows whose arg-max is the label; NaN when the output is not [N, C]. */
  readonly correct: number;
  /** Gradients of scale × loss by initializer name; the caller disposes them (disposeGradients). */
  readonly grads: Map<string, tf.Tensor>;
  /** New BatchNorm running statistics by initializer name; the caller disposes them. */
  readonly state: Map<string, tf.Tensor>;
}

/** A loss over the model's outputs; the default is cross-entropy against the batch labels. */
export type ShardLoss = (outputs: Record<string, tf.Tensor>, logits: tf.Tensor, labels: tf.Tensor1D) => tf.Scalar;

export const defaultLoss: ShardLoss = (_outputs, logits, labels) => crossEntropy(logits, labels);

/** Dropout seed of shard `shard` at `step`: shard 0 keeps the single-threaded seed, so workers: 1 is unchanged. */
export function dropoutSeed(seed: number, step: number, shard: number): number {
  const base = seed * 1_000_003 + step;
  return shard === 0 ? base : (base + shard * 2_654_435_761) % 2 ** 32;
}

export async function shardGradients(
  model: TrainableModel,
  io: ModelIO,
  variables: ReadonlyMap<string, tf.Variable>,
  batch: Batch,
  seed: number,
  loss: ShardLoss = defaultLoss,
  /** A shard's weight in its batch (rows / batch rows): scaling the loss scales the gradients, so combining them is one add each. */
  scale = 1,
): Promise<ShardGradients> {
  await model.prepare?.({ [io.inputName]: { shape: batch.x.dims } });
  const x = tf.tensor(batch.x.data, [...batch.x.dims], "float32");
  const y = tf.tensor1d(batch.y, "int32");
  let logits: tf.Tensor | undefined;
  const initializerOf = new Map([...variables].map(([init, v]) => [v.name, init]));
  try {
    const { value, grads } = tf.variableGrads(() => {
      const outputs = model.forward({ [io.inputName]: x }, { training: true, seed });
      logits = tf.keep(outputs[io.outputName]!);
      const value = loss(outputs, logits, y);
      return scale === 1 ? value : (tf.mul(value, scale) as tf.Scalar);
    }, [...variables.values()]);
    const byInitializer = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) byInitializer.set(initializerOf.get(varName)!, g);
    const state = model.takeStateUpdates();
    try {
      const lossValue = (await value.data())[0]! / scale;
      const correct = logits && logits.rank === 2 ? countCorrect(await argMax(logits), batch.y) : Number.NaN;
      return { loss: lossValue, correct, grads: byInitializer, state };
    } catch (e) {
      tf.dispose([...byInitializer.values(), ...state.values()]);
      throw e;
    } finally {
      value.dispose();
    }
  } finally {
    tf.dispose([x, y]);
    logits?.dispose();
  }
}

export function disposeGradients(g: ShardGradients): void {
  tf.dispose([...g.grads.values(), ...g.state.values()]);
}

/** Rows [start, start + count) of a batch, sharing its memory. */
export function sliceBatch(batch: Batch, start: number, count: number): Batch {
  const per = batch.x.dims.slice(1).reduce((a, b) => a * b, 1);
  return {
    x: { dtype: "float32", dims: [count, ...batch.x.dims.slice(1)], data: batch.x.data.subarray(start * per, (start + count) * per) },
    y: batch.y.subarray(start, start + count),
  };
}

async function argMax(logits: tf.Tensor): Promise<Int32Array> {
  const index = tf.argMax(logits, -1);
  try {
    return (await index.data()) as Int32Array;
  } finally {
    index.dispose();
  }
}
