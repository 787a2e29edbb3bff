// Resize/Upsample of the two spatial axes as TF's ResizeBilinear or
// ResizeNearestNeighbor (channels-last). Only the coordinate rules TF.js
// computes exactly are accepted; any other combination fails naming it.
import { attrString } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T } from "./helpers.js";
import { channelsFirst, channelsLast } from "./layout.js";
import type { ExportContext, ExportOp } from "./types.js";

/** ONNX (mode, coordinate_transformation_mode, nearest_mode) → TF.js (align_corners, half_pixel_centers). */
function tfCoordinates(c: ExportContext, mode: string, coordinates: string, nearest: string): { align: boolean; half: boolean } {
  if (mode === "linear") {
    if (coordinates === "half_pixel" || coordinates === "pytorch_half_pixel") return { align: false, half: true };
    if (coordinates === "align_corners") return { align: true, half: false };
    if (coordinates === "asymmetric") return { align: false, half: false };
  }
  if (mode === "nearest") {
    if (coordinates === "asymmetric" && nearest === "floor") return { align: false, half: false };
    if (coordinates === "half_pixel" && nearest === "round_prefer_ceil") return { align: false, half: true };
    if (coordinates === "align_corners" && nearest === "round_prefer_ceil") return { align: true, half: false };
  }
  return c.fail(`mode "${mode}" with coordinate_transformation_mode "${coordinates}"${mode === "nearest" ? ` and nearest_mode "${nearest}"` : ""} has no exact TF.js resize`);
}

function resize(legacy: "upsample" | "resize10" | "resize11"): (c: ExportContext) => string[] {
  return (c) => {
    if (c.rank(0) !== 4) c.fail("only 4-D (N, C, H, W) resizes are exported");
    const mode = attrString(c.node, "mode", "nearest");
    const coordinates = legacy === "resize11" ? attrString(c.node, "coordinate_transformation_mode", "half_pixel") : "asymmetric";
    const nearest = legacy === "resize11" ? attrString(c.node, "nearest_mode", "round_prefer_floor") : "floor";
    if (c.node.attributes.antialias && Number(c.node.attributes.antialias.value) !== 0) c.fail("antialiased resize has no TF.js op");
    const { align, half } = tfCoordinates(c, mode, coordinates, nearest);
    const scalesInput = legacy === "resize11" ? 2 : 1;
    const bySizes = legacy === "resize11" && c.has(3);
    const sizes = bySizes ? c.partial(3) : undefined;
    const scales = bySizes ? undefined : legacy === "upsample" && c.node.attributes.scales ? (c.node.attributes.scales.value as number[]) : c.known(scalesInput);
    if (!bySizes && !scales) c.fail("scales must be constants");
    if (scales && (scales[0] !== 1 || scales[1] !== 1)) c.fail("only the spatial axes may be resized");
    const dims = c.shape(0)!;
    let size: number[] | undefined;
    if (bySizes) {
      // Sizes computed at run time (from another tensor's Shape): their spatial part is TF's size input.
      if (typeof sizes?.[2] === "number" && typeof sizes[3] === "number") size = [sizes[2], sizes[3]];
    } else {
      const [h, w] = [dims[2], dims[3]];
      if (typeof h !== "number" || typeof w !== "number") c.fail("resizing by scales needs the input's height and width");
      size = [Math.floor((h as number) * scales![2]!), Math.floor((w as number) * scales![3]!)];
      // TF.js resizes by in/out; ONNX by the given scale: the same only when the scale gives whole sizes.
      if (size[0] !== (h as number) * scales![2]! || size[1] !== (w as number) * scales![3]!) c.fail(`scales ${scales![2]}×${scales![3]} do not give a whole output size from ${h}×${w}`);
    }
    const tfOp = mode === "linear" ? "ResizeBilinear" : "ResizeNearestNeighbor";
    const nhwc = channelsLast(c, c.input(0), 4);
    const sizeRef = size ? c.b.ints(c.part("size"), size) : c.b.op("StridedSlice", [c.input(3), c.b.ints(c.part("size/b"), [2]), c.b.ints(c.part("size/e"), [4]), c.b.ints(c.part("size/s"), [1])], {}, c.part("size"));
    const y = c.b.op(tfOp, [nhwc, sizeRef], { align_corners: TF_ATTR.b(align), half_pixel_centers: TF_ATTR.b(half), ...T("float32") }, c.part("resize"));
    return [c.b.op("Identity", [channelsFirst(c, y, 4)], T("float32"), c.node.name)];
  };
}

export const RESIZE_OPS: readonly ExportOp[] = [
  { opType: "Upsample", since: 7, convert: resize("upsample") },
  { opType: "Upsample", since: 9, convert: resize("resize10") },
  { opType: "Resize", since: 10, convert: resize("resize10") },
  { opType: "Resize", since: 11, convert: resize("resize11") },
];
