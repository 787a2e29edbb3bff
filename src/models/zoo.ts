// The model zoo: small classifiers built as Graphs in code, like any loaded
// model, with PyTorch's default initialisation (uniform ±1/√fan_in for weights
// and biases) from a seed. Specs ("mlp:784-300-100-10,dropout=0.5", "lenet5")
// name the same models in recipes and on the command line.
import { OptionError, mustBeOneOf } from "../core/errors.js";
import { GraphBuilder } from "../graph/builder.js";
import { float32 } from "../graph/tensor.js";
import type { Graph } from "../graph/types.js";
import { seededRandom } from "../core/random.js";

const OPSET = 17;

export interface MlpOptions {
  /** Dropout after each hidden activation (Hinton's teacher: 0.5). */
  readonly dropout?: number;
  /** Dropout on the input pixels (Hinton's teacher: 0.2). */
  readonly inputDropout?: number;
  readonly seed?: number;
  readonly name?: string;
}

/** Uniform(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv weights and biases. */
function uniformInit(next: () => number, count: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (next() * 2 - 1) * bound;
  return out;
}

function checkRatio(what: string, ratio: number | undefined): void {
  if (ratio !== undefined && !(ratio >= 0 && ratio < 1)) {
    throw new OptionError(`${what} must be in [0, 1), got ${ratio}`);
  }
}

/** A fully connected classifier: Gemm (transB=1, PyTorch's Linear layout) + Relu between layers. */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Graph {
  if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new OptionError(`mlp sizes must be ≥ 2 positive integers (input, hidden…, classes), got [${sizes.join(", ")}]`);
  }
  checkRatio("dropout", options.dropout);
  checkRatio("inputDropout", options.inputDropout);
  const next = seededRandom(options.seed ?? 0);
  const b = new GraphBuilder({ name: options.name ?? `mlp_${sizes.join("_")}`, opset: OPSET });
  let h = b.input("input", "float32", ["N", sizes[0]!]);
  if (options.inputDropout) h = dropout(b, h, options.inputDropout);
  for (let i = 1; i < sizes.length; i++) {
    const fanIn = sizes[i - 1]!;
    const width = sizes[i]!;
    const w = b.initializer(`fc${i}.weight`, float32([width, fanIn], uniformInit(next, width * fanIn, fanIn)));
    const bias = b.initializer(`fc${i}.bias`, float32([width], uniformInit(next, width, fanIn)));
    [h] = b.node("Gemm", [h, w, bias], { transB: 1 }, { name: `fc${i}` }) as [string];
    if (i < sizes.length - 1) {
      [h] = b.node("Relu", [h], {}, { name: `relu${i}` }) as [string];
      if (options.dropout) h = dropout(b, h, options.dropout);
    }
  }
  b.output(h, "logits");
  return b.build();
}

/** Dropout with its ratio as an input (opset ≥ 12): identity at inference, active in training. */
function dropout(b: GraphBuilder, x: string, ratio: number): string {
  const r = b.initializer(`dropout_ratio_${ratio}`.replace(".", "_") + `_${x}`, float32([], [ratio]));
  return b.node("Dropout", [x, r])[0]!;
}

/**
 * LeNet-5 as in LeCun et al. 1998, with ReLU and max pooling (the common modern
 * form): conv 5×5 (6, pad 2) → pool → conv 5×5 (16) → pool → 120 → 84 → 10.
 * Takes [N, 1, 28, 28].
 */
export function lenet5(options: { seed?: number; classes?: number } = {}): Graph {
  const next = seededRandom(options.seed ?? 0);
  const classes = options.classes ?? 10;
  const b = new GraphBuilder({ name: "lenet5", opset: OPSET });
  let h = b.input("input", "float32", ["N", 1, 28, 28]);
  h = convBlock(b, next, h, "conv1", 1, 6, 5, 2);
  h = convBlock(b, next, h, "conv2", 6, 16, 5, 0);
  h = b.node("Flatten", [h], { axis: 1 }, { name: "flatten" })[0]!;
  h = dense(b, next, h, "fc1", 16 * 5 * 5, 120, true);
  h = dense(b, next, h, "fc2", 120, 84, true);
  h = dense(b, next, h, "fc3", 84, classes, false);
  b.output(h, "logits");
  return b.build();
}

export interface CnnOptions {
  /** Output channels of each 3×3 conv block (each block: Conv, BatchNorm, Relu, MaxPool 2×2). */
  readonly channels?: readonly number[];
  /** Input [channels, height, width]. */
  readonly input?: readonly [number, number, number];
  readonly classes?: number;
  readonly batchNorm?: boolean;
  readonly seed?: number;
}

/** A small VGG-style CNN: blocks of 3×3 conv (+BatchNorm) + Relu + 2×2 max pool, global average pool, linear. */
export function cnn(options: CnnOptions = {}): Graph {
  const channels = options.channels ?? [16, 32];
  const [c0, height, width] = options.input ?? [1, 28, 28];
  const classes = options.classes ?? 10;
  const next = seededRandom(options.seed ?? 0);
  const b = new GraphBuilder({ name: `cnn_${channels.join("_")}`, opset: OPSET });
  let h = b.input("input", "float32", ["N", c0, height, width]);
  let cin = c0;
  channels.forEach((cout, i) => {
    const name = `conv${i + 1}`;
    const w = b.initializer(`${name}.weight`, float32([cout, cin, 3, 3], uniformInit(next, cout * cin * 9, cin * 9)));
    const bias = b.initializer(`${name}.bias`, float32([cout], uniformInit(next, cout, cin * 9)));
    [h] = b.node("Conv", [h, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name }) as [string];
    if (options.batchNorm ?? true) {
      const ones = float32([cout], new Float32Array(cout).fill(1));
      const zeros = float32([cout], new Float32Array(cout));
      const bn = [`bn${i + 1}.weight`, `bn${i + 1}.bias`, `bn${i + 1}.running_mean`, `bn${i + 1}.running_var`];
      b.initializer(bn[0]!, ones);
      b.initializer(bn[1]!, zeros);
      b.initializer(bn[2]!, zeros);
      b.initializer(bn[3]!, ones);
      [h] = b.node("BatchNormalization", [h, ...bn], { epsilon: 1e-5, momentum: 0.9 }, { name: `bn${i + 1}` }) as [string];
    }
    [h] = b.node("Relu", [h], {}, { name: `relu${i + 1}` }) as [string];
    [h] = b.node("MaxPool", [h], { kernel_shape: [2, 2], strides: [2, 2] }, { name: `pool${i + 1}` }) as [string];
    cin = cout;
  });
  h = b.node("GlobalAveragePool", [h], {}, { name: "gap" })[0]!;
  h = b.node("Flatten", [h], { axis: 1 }, { name: "flatten" })[0]!;
  h = dense(b, next, h, "fc", cin, classes, false);
  b.output(h, "logits");
  return b.build();
}

function convBlock(b: GraphBuilder, next: () => number, x: string, name: string, cin: number, cout: number, k: number, pad: number): string {
  const fanIn = cin * k * k;
  const w = b.initializer(`${name}.weight`, float32([cout, cin, k, k], uniformInit(next, cout * fanIn, fanIn)));
  const bias = b.initializer(`${name}.bias`, float32([cout], uniformInit(next, cout, fanIn)));
  let h = b.node("Conv", [x, w, bias], { kernel_shape: [k, k], pads: [pad, pad, pad, pad] }, { name })[0]!;
  h = b.node("Relu", [h], {}, { name: `${name}_relu` })[0]!;
  return b.node("MaxPool", [h], { kernel_shape: [2, 2], strides: [2, 2] }, { name: `${name}_pool` })[0]!;
}

function dense(b: GraphBuilder, next: () => number, x: string, name: string, fanIn: number, width: number, relu: boolean): string {
  const w = b.initializer(`${name}.weight`, float32([width, fanIn], uniformInit(next, width * fanIn, fanIn)));
  const bias = b.initializer(`${name}.bias`, float32([width], uniformInit(next, width, fanIn)));
  const h = b.node("Gemm", [x, w, bias], { transB: 1 }, { name })[0]!;
  return relu ? b.node("Relu", [h], {}, { name: `${name}_relu` })[0]! : h;
}

export const ZOO_KINDS = ["mlp", "lenet5", "cnn"] as const;

/**
 * Parses "mlp:784-300-100-10", "mlp:784-1200-1200-10,dropout=0.5,inputDropout=0.2",
 * "lenet5", "lenet5,seed=3", "cnn:16-32". Returns undefined when `spec` is not a zoo spec (e.g. a path).
 */
export function fromSpec(spec: string): Graph | undefined {
  const match = /^([a-z][a-z0-9]*)(?::([^,]*))?((?:,.*)?)$/.exec(spec);
  if (!match || spec.includes("/") || spec.includes(".onnx")) return undefined;
  const kind = match[1]!;
  if (!(ZOO_KINDS as readonly string[]).includes(kind)) {
    // "model.onnx" never gets here; a bare unknown word is a misspelt spec.
    throw mustBeOneOf("model spec kind", kind, ZOO_KINDS);
  }
  const sizesPart = match[2] ?? "";
  const optionParts = (match[3] ?? "").split(",").filter(Boolean);
  const options: Record<string, number> = {};
  for (const part of optionParts) {
    const [key, value] = part.split("=");
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n)) {
      throw new OptionError(`model spec "${spec}": option "${part}" must look like name=number (e.g. dropout=0.5)`);
    }
    options[key] = n;
  }
  const sizes = sizesPart ? sizesPart.split("-").map(Number) : [];
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new OptionError(`model spec "${spec}": sizes must be positive integers joined by "-", e.g. mlp:784-300-100-10`);
  }
  const allowed: Record<string, readonly string[]> = { mlp: ["dropout", "inputDropout", "seed"], lenet5: ["seed", "classes"], cnn: ["seed", "classes"] };
  for (const key of Object.keys(options)) {
    if (!allowed[kind]!.includes(key)) throw mustBeOneOf(`option of "${kind}" spec "${spec}"`, key, allowed[kind]!);
  }
  switch (kind) {
    case "mlp":
      return mlp(sizes, options);
    case "lenet5":
      if (sizes.length) throw new OptionError(`model spec "${spec}": lenet5 takes no sizes`);
      return lenet5(options);
    default:
      return cnn({ ...options, ...(sizes.length ? { channels: sizes } : {}) });
  }
}
