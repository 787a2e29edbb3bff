// TF.js weights: a manifest of groups, each a list of specs (name, shape,
// dtype, optional quantization) whose bytes lie back to back in the group's
// shards. Writing can quantize float32 weights as TF.js's converter does:
// uint8 affine (value = min + q·scale, min and max nudged so that 0 is exact)
// or float16; tfjs-core dequantizes them on load.
import { FormatError } from "../../core/errors.js";
import { floatToHalf, halfToFloat } from "../../graph/float-bits.js";
import { makeTensor, numElements } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";
import type { Quantization, WeightSpec, WeightsGroup } from "./model-json.js";

export const QUANTIZATIONS = ["uint8", "float16"] as const;
export type WeightQuantization = (typeof QUANTIZATIONS)[number];

/** The TF.js converter's default shard size. */
export const SHARD_BYTES = 4 * 1024 * 1024;
/** Elements we refuse to allocate for one weight: far beyond any model, so a forged shape. */
const MAX_ELEMENTS = 2 ** 31;

const STORED_BYTES: Readonly<Record<string, number>> = Object.freeze({ float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 });

/** A TF.js-held tensor: float32, int32 or bool. */
export interface NamedWeight {
  readonly name: string;
  readonly tensor: Tensor<"float32" | "int32" | "bool">;
}

function quantizeUint8(values: Float32Array): { bytes: Uint8Array; min: number; scale: number } {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi === lo ? 1 : (hi - lo) / 255;
  // Nudge min so that 0 is exactly representable (zero padding and ReLU zeros stay exact).
  const zeroPoint = Math.round(-lo / scale);
  const min = -zeroPoint * scale;
  const bytes = Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round((v - min) / scale))));
  return { bytes, min, scale };
}

function storedBytes(t: NamedWeight["tensor"], quantize: WeightQuantization | undefined): { bytes: Uint8Array; quantization?: Quantization } {
  const data = t.data as Float32Array | Int32Array | Uint8Array;
  if (t.dtype !== "float32" || quantize === undefined) return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  if (quantize === "float16") {
    const half = Uint16Array.from(data as Float32Array, floatToHalf);
    return { bytes: new Uint8Array(half.buffer), quantization: { dtype: "float16", original_dtype: "float32" } };
  }
  const q = quantizeUint8(data as Float32Array);
  return { bytes: q.bytes, quantization: { dtype: "uint8", min: q.min, scale: q.scale, original_dtype: "float32" } };
}

/** One group of shards holding `weights` in order. */
export function encodeWeights(weights: readonly NamedWeight[], options: { quantize?: WeightQuantization; shardBytes?: number } = {}): { manifest: WeightsGroup[]; shards: { name: string; bytes: Uint8Array }[] } {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const w of weights) {
    const { bytes, quantization } = storedBytes(w.tensor, options.quantize);
    specs.push({ name: w.name, shape: [...w.tensor.dims], dtype: w.tensor.dtype, ...(quantization ? { quantization } : {}) });
    parts.push(bytes);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const shardBytes = options.shardBytes ?? SHARD_BYTES;
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards = Array.from({ length: count }, (_, i) => ({ name: `group1-shard${i + 1}of${count}.bin`, bytes: all.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes)) }));
  return { manifest: [{ paths: shards.map((s) => s.name), weights: specs }], shards };
}

function specProblems(spec: WeightSpec, at: string): { elements: number; bytes: number } | string {
  if (typeof spec?.name !== "string") return `${at}: a weight spec has no name`;
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `weight "${spec.name}": shape ${JSON.stringify(spec.shape)} is not a list of non-negative integers`;
  const elements = numElements(spec.shape);
  if (elements > MAX_ELEMENTS) return `weight "${spec.name}": shape [${spec.shape.join(", ")}] has more elements than compactor handles`;
  const q = spec.quantization;
  const stored = q ? q.dtype : spec.dtype;
  const size = STORED_BYTES[stored];
  if (size === undefined) return `weight "${spec.name}": dtype ${JSON.stringify(stored)} is not one compactor reads (float32, int32, bool, or quantized uint8/uint16/float16)`;
  if (q && (q.dtype === "uint8" || q.dtype === "uint16") && !(Number.isFinite(q.min) && Number.isFinite(q.scale))) return `weight "${spec.name}": ${q.dtype} quantization needs finite min and scale`;
  if (q && spec.dtype !== "float32" && spec.dtype !== "int32") return `weight "${spec.name}": quantized weights dequantize to float32 or int32, not ${spec.dtype}`;
  return { elements, bytes: elements * size };
}

/** Bytes each group's weights need: checked before shards are read. */
export function groupBytes(groups: readonly WeightsGroup[], file: string): number[] {
  const problems: string[] = [];
  if (!Array.isArray(groups)) throw new FormatError(`${file}: weightsManifest must be a list of { paths, weights } groups`, { file });
  const sizes = groups.map((g, gi) => {
    if (!Array.isArray(g?.weights) || !Array.isArray(g?.paths)) {
      problems.push(`weightsManifest group ${gi} has no paths/weights lists`);
      return 0;
    }
    return g.weights.reduce((n: number, spec: WeightSpec) => {
      const r = specProblems(spec, `group ${gi}`);
      if (typeof r === "string") {
        problems.push(r);
        return n;
      }
      return n + r.bytes;
    }, 0);
  });
  if (problems.length > 0) throw new FormatError(`${file}: bad weights manifest:\n  ${problems.join("\n  ")}`, { file });
  return sizes;
}

function dequantize(spec: WeightSpec, bytes: Uint8Array, elements: number): Tensor {
  const q = spec.quantization;
  const copy = bytes.slice();
  const view = (Ctor: typeof Float32Array | typeof Int32Array | typeof Uint16Array) => new Ctor(copy.buffer, 0, elements);
  if (!q) {
    if (spec.dtype === "float32") return makeTensor("float32", spec.shape, view(Float32Array) as Float32Array);
    if (spec.dtype === "int32") return makeTensor("int32", spec.shape, view(Int32Array) as Int32Array);
    if (spec.dtype === "bool") return makeTensor("bool", spec.shape, copy);
    return makeTensor("float32", spec.shape, Float32Array.from(spec.dtype === "float16" ? (view(Uint16Array) as Uint16Array) : copy, spec.dtype === "float16" ? halfToFloat : Number));
  }
  const raw: ArrayLike<number> = q.dtype === "uint8" ? copy : (view(Uint16Array) as Uint16Array);
  const values = q.dtype === "float16" ? Float32Array.from(raw, halfToFloat) : Float32Array.from(raw, (v) => q.min! + v * q.scale!);
  return spec.dtype === "int32" ? makeTensor("int32", spec.shape, Int32Array.from(values, Math.round)) : makeTensor("float32", spec.shape, values);
}

/** The weights of every group, from each group's concatenated shard bytes. */
export function decodeWeights(groups: readonly WeightsGroup[], data: readonly Uint8Array[], file: string): Map<string, Tensor> {
  const sizes = groupBytes(groups, file);
  const out = new Map<string, Tensor>();
  groups.forEach((group, gi) => {
    const bytes = data[gi]!;
    if (bytes.length !== sizes[gi]) {
      throw new FormatError(`${file}: weight group ${gi + 1} (${group.paths.join(", ")}) holds ${bytes.length} bytes but its ${group.weights.length} weights need ${sizes[gi]}; a shard is truncated or belongs to another model`, { file });
    }
    let at = 0;
    for (const spec of group.weights) {
      const { elements, bytes: n } = specProblems(spec, "") as { elements: number; bytes: number };
      if (out.has(spec.name)) throw new FormatError(`${file}: weight "${spec.name}" appears twice in the manifest`, { file });
      out.set(spec.name, dequantize(spec, bytes.subarray(at, at + n), elements));
      at += n;
    }
  });
  return out;
}
