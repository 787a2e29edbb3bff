// Indexing ops: Gather (differentiable through tf.gather), GatherElements and
// ScatterElements (through per-element coordinates and gatherND/scatter
// kernels), GatherND and ScatterND.
import { tf } from "../tf.js";
import { normalizeAxis, required, shapeError, unsupportedFeature } from "./args.js";
import * as ops from "../../../graph/ops/gather.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** Indices may be negative (counted from the end of `dim`); map them to [0, dim). */
function wrapNegative(indices: tf.Tensor, dim: number): tf.Tensor {
  return tf.tidy(() => {
    const idx = tf.cast(indices, "int32");
    return tf.where(tf.less(idx, 0), tf.add(idx, tf.scalar(dim, "int32")), idx);
  });
}

const gather = implement(ops.Gather[1], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    const axis = normalizeAxis(attrs.axis, x.rank, ctx);
    const indices = wrapNegative(required(inputs, 1, ctx, "indices"), x.shape[axis] as number);
    const out = tf.gather(x, indices, axis);
    indices.dispose();
    return [out];
  },
});

/**
 * Full coordinates [...indices.shape, rank] for an element-wise index along
 * `axis`: every other coordinate is the element's own position.
 */
function elementCoordinates(indices: tf.Tensor, axis: number, dim: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = indices.shape;
    const columns = shape.map((size, d) => {
      if (d === axis) return wrapNegative(indices, dim);
      const along = shape.map((_, j) => (j === d ? size : 1));
      return tf.broadcastTo(tf.reshape(tf.range(0, size, 1, "int32"), along), shape);
    });
    return tf.stack(columns, shape.length);
  });
}

function checkSameRank(x: tf.Tensor, indices: tf.Tensor, ctx: OpContext): void {
  if (indices.rank !== x.rank) {
    throw shapeError(ctx, `indices rank ${indices.rank} must equal data rank ${x.rank}`);
  }
}

const gatherElements = implement(ops.GatherElements[11], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    const indices = required(inputs, 1, ctx, "indices");
    checkSameRank(x, indices, ctx);
    const axis = normalizeAxis(attrs.axis, x.rank, ctx);
    if (indices.size === 0) return [tf.zeros(indices.shape, x.dtype)];
    const coords = elementCoordinates(indices, axis, x.shape[axis] as number);
    const out = tf.gatherND(x, coords);
    coords.dispose();
    return [out];
  },
});

function scatterElements(inputs: readonly (tf.Tensor | undefined)[], axisAttr: number, reduction: string, ctx: OpContext): tf.Tensor[] {
  const x = required(inputs, 0, ctx, "data");
  const indices = required(inputs, 1, ctx, "indices");
  const updates = required(inputs, 2, ctx, "updates");
  checkSameRank(x, indices, ctx);
  const axis = normalizeAxis(axisAttr, x.rank, ctx);
  if (indices.size === 0) return [tf.clone(x)];
  return [
    tf.tidy(() => {
      const coords = elementCoordinates(indices, axis, x.shape[axis] as number);
      if (reduction === "none") return tf.tensorScatterUpdate(x, coords, updates);
      if (reduction === "add") return tf.add(x, tf.scatterND(coords, updates, x.shape));
      throw unsupportedFeature(ctx, `reduction "${reduction}"`);
    }),
  ];
}

const scatter = implement(ops.Scatter[9], {
  run: (inputs, attrs, ctx) => scatterElements(inputs, attrs.axis, "none", ctx),
});

const scatterElementsOp = implement(ops.ScatterElements[11], {
  run: (inputs, attrs, ctx) => scatterElements(inputs, attrs.axis, attrs.reduction, ctx),
});

/** Index tuples in the last axis of `indices` address `dims`; negative entries count from the end. */
function wrapNegativeTuples(indices: tf.Tensor, dims: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const idx = tf.cast(indices, "int32");
    const sizes = tf.tensor1d(dims.slice(0, idx.shape[idx.rank - 1]), "int32");
    return tf.where(tf.less(idx, 0), tf.add(idx, sizes), idx);
  });
}

const gatherND = implement(ops.GatherND[11], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    const indices = required(inputs, 1, ctx, "indices");
    const batchDims = attrs.batch_dims;
    const depth = indices.shape[indices.rank - 1] as number;
    if (indices.rank < 1 || batchDims + depth > x.rank || batchDims >= indices.rank) {
      throw shapeError(ctx, `indices [${indices.shape.join(", ")}] with batch_dims ${batchDims} do not address data [${x.shape.join(", ")}]`);
    }
    return [
      tf.tidy(() => {
        let coords = wrapNegativeTuples(indices, x.shape.slice(batchDims));
        // Batch dims: each index tuple also gets its own batch position in front.
        if (batchDims > 0) {
          const lead = indices.shape.slice(0, -1);
          const positions = Array.from({ length: batchDims }, (_, d) => {
            const along = lead.map((n, j) => (j === d ? n : 1));
            return tf.broadcastTo(tf.reshape(tf.range(0, lead[d] as number, 1, "int32"), [...along, 1]), [...lead, 1]);
          });
          coords = tf.concat([...positions, coords], -1);
        }
        return tf.gatherND(x, coords);
      }),
    ];
  },
});

function scatterND(inputs: readonly (tf.Tensor | undefined)[], reduction: string, ctx: OpContext): tf.Tensor[] {
  const x = required(inputs, 0, ctx, "data");
  const indices = required(inputs, 1, ctx, "indices");
  const updates = required(inputs, 2, ctx, "updates");
  if (indices.size === 0) return [tf.clone(x)];
  return [
    tf.tidy(() => {
      const coords = wrapNegativeTuples(indices, x.shape);
      if (reduction === "none") return tf.tensorScatterUpdate(x, coords, updates);
      if (reduction === "add") return tf.add(x, tf.scatterND(coords, updates, x.shape));
      throw unsupportedFeature(ctx, `reduction "${reduction}"`);
    }),
  ];
}

const scatterND11 = implement(ops.ScatterND[11], {
  run: (inputs, _attrs, ctx) => scatterND(inputs, "none", ctx),
});

const scatterND16 = implement(ops.ScatterND[16], {
  run: (inputs, attrs, ctx) => scatterND(inputs, attrs.reduction, ctx),
});

export const GATHER_OPS: readonly OpEntry[] = [gather, gatherElements, scatter, scatterElementsOp, gatherND, scatterND11, scatterND16];
