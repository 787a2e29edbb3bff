// PadV2 on webgpu for tensors of rank 5 and 6. tfjs-backend-webgpu 4.22's
// PadProgram writes its bounds as vec4-style vectors and indexes them, which
// WGSL cannot do for the vec5/vec6 structs tfjs uses above rank 4 ("cannot
// index type 'vec6'"): the shader fails and the whole command buffer with it.
// tfjs's Slice gradient is a Pad, so training a net that slices a rank-6 view
// (the mobile_block fixture) broke forward values and gradients alike.
// Padding only needs rank ≤ 4: an unpadded axis folds into the one before it
// (padding p rows of an outer axis pads p·inner elements of the merged one),
// and padding is separable, so axes can be padded one pass at a time.
import { tf } from "../tf.js";

export interface CollapsedPad {
  readonly shape: number[];
  readonly paddings: [number, number][];
}

/** Folds every unpadded axis into the axis before it; the result pads the same elements. */
export function collapsePadding(shape: readonly number[], paddings: readonly (readonly [number, number])[]): CollapsedPad {
  const out: { size: number; pad: [number, number] }[] = [];
  shape.forEach((size, i) => {
    const [before, after] = paddings[i]!;
    const last = out[out.length - 1];
    if (last && before === 0 && after === 0) {
      last.size *= size;
      last.pad = [last.pad[0] * size, last.pad[1] * size];
    } else {
      out.push({ size, pad: [before, after] });
    }
  });
  return { shape: out.map((d) => d.size), paddings: out.map((d) => d.pad) };
}

/** The largest rank PadProgram handles. */
const MAX_RANK = 4;

/** One pass per padded axis when folding alone leaves more than MAX_RANK axes. */
export function padPasses(shape: readonly number[], paddings: readonly (readonly [number, number])[]): CollapsedPad[] {
  const all = collapsePadding(shape, paddings);
  if (all.shape.length <= MAX_RANK) return [all];
  const passes: CollapsedPad[] = [];
  const current = [...shape];
  paddings.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const only = paddings.map((_, i): [number, number] => (i === axis ? [before, after] : [0, 0]));
    passes.push(collapsePadding(current, only));
    current[axis] = current[axis]! + before + after;
  });
  return passes;
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: { disposeData(dataId: object): void };
  attrs: Record<string, unknown>;
}

/** Replaces webgpu's PadV2 (once): above rank 4 it reshapes to what the original handles. */
export function registerWebGpuPad(): void {
  const original = tf.getKernel("PadV2", "webgpu");
  const reshape = tf.getKernel("Reshape", "webgpu");
  if (!original || !reshape || (original as { compactor?: boolean }).compactor) return;
  const call = (config: tf.KernelConfig, args: KernelArgs) => config.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const paddings = args.attrs.paddings as [number, number][];
    if (x.shape.length <= MAX_RANK) return call(original, args);
    const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const owned: tf.TensorInfo[] = [];
    let t = x;
    for (const pass of padPasses(x.shape, paddings)) {
      const flat = call(reshape, { ...args, inputs: { x: t }, attrs: { shape: pass.shape } });
      const padded = call(original, { ...args, inputs: { x: flat }, attrs: { ...args.attrs, paddings: pass.paddings } });
      owned.push(flat, padded);
      t = padded;
    }
    const result = call(reshape, { ...args, inputs: { x: t }, attrs: { shape: outShape } });
    // Reshape shares the buffer (counted): releasing the intermediates keeps only the result's.
    for (const info of owned) args.backend.disposeData(info.dataId);
    return result;
  };
  tf.unregisterKernel("PadV2", "webgpu");
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc, compactor: true, replaced: original.kernelFunc } as tf.KernelConfig);
}
