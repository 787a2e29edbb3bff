// DepthToSpace (DCR and CRD modes) and SpaceToDepth on ONNX's NCHW layout, as
// reshape → transpose → reshape, so they keep a gradient.
import { tf } from "../tf.js";
import { required, shapeError, unsupportedFeature } from "./args.js";
import { DepthToSpace, SpaceToDepth } from "../../../graph/ops/depth-to-space.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

function nchw(x: tf.Tensor, ctx: OpContext): [number, number, number, number] {
  if (x.rank !== 4) throw shapeError(ctx, `needs a 4-D NCHW input, got [${x.shape.join(", ")}]`);
  return x.shape as [number, number, number, number];
}

const depthToSpace = implement(DepthToSpace[1], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const [n, c, h, w] = nchw(x, ctx);
    const b = attrs.blocksize;
    const mode = attrs.mode;
    if (c % (b * b) !== 0) throw shapeError(ctx, `channels ${c} are not divisible by blocksize² (${b * b})`);
    const depth = c / (b * b);
    // DCR: channels are ordered (block row, block column, depth); CRD: (depth, block row, block column).
    const [split, perm] =
      mode === "DCR" ? [[n, b, b, depth, h, w], [0, 3, 4, 1, 5, 2]] : mode === "CRD" ? [[n, depth, b, b, h, w], [0, 1, 4, 2, 5, 3]] : [];
    if (split === undefined || perm === undefined) throw unsupportedFeature(ctx, `mode "${mode}"`);
    return [tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, split), perm), [n, depth, h * b, w * b]))];
  },
});

const spaceToDepth = implement(SpaceToDepth[1], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const [n, c, h, w] = nchw(x, ctx);
    const b = attrs.blocksize;
    if (h % b !== 0 || w % b !== 0) throw shapeError(ctx, `height ${h} and width ${w} must be divisible by blocksize ${b}`);
    return [
      tf.tidy(() =>
        tf.reshape(tf.transpose(tf.reshape(x, [n, c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]), [n, c * b * b, h / b, w / b]),
      ),
    ];
  },
});

export const DEPTH_TO_SPACE_OPS: readonly OpEntry[] = [depthToSpace, spaceToDepth];
