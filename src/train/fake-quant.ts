// How a quantized graph trains (quantization-aware training). Its integer
// weights cannot take gradients, so before training each DequantizeLinear of
// an integer weight gets a float copy of that weight behind a QuantizeLinear
// with the same scale and zero point: QuantizeLinear(w) → DequantizeLinear is
// fake quantization, which the tfjs runtime differentiates with the
// straight-through estimator, so the forward pass stays exactly the quantized
// model's. int32 biases (on the grid x_scale·w_scale) train as float. After
// training it all folds back: weights rounded onto their unchanged grids, biases
// onto theirs, so the trained graph is the same QDQ graph with new integers.
// Scales and zero points stay fixed (preflight.ts never trains them).
import { GraphEdit } from "../graph/edit.js";
import { makeTensor } from "../graph/tensor.js";
import type { Graph, Node, Tensor } from "../graph/types.js";
import { roundHalfEven } from "../compress/quantize/grid.js";
import { groups, type Granularity } from "../compress/quantize/quantize-tensor.js";

const RANGES: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  int8: [-128, 127],
  uint8: [0, 255],
  int4: [-8, 7],
  uint4: [0, 15],
  int32: [-2147483647, 2147483647],
});

interface FakeWeight {
  /** The integer initializer, now the output of `quantizeNode`. */
  readonly intName: string;
  readonly floatName: string;
  readonly quantizeNode: string;
}

interface FakeBias {
  /** The DequantizeLinear removed, restored after training. */
  readonly node: Node;
  readonly intName: string;
  readonly floatName: string;
}

export interface FakeQuantGraph {
  /** The graph to train: float weights behind QuantizeLinear→DequantizeLinear. */
  readonly graph: Graph;
  readonly weights: readonly FakeWeight[];
  readonly biases: readonly FakeBias[];
  /** Bias scales the trainable form no longer reads: kept for folding back, never trained. */
  readonly frozen: readonly string[];
}

function granularityOf(node: Node, dims: readonly number[], scale: Tensor): Granularity {
  if (scale.data.length === 1 && scale.dims.length <= 1) return { kind: "tensor" };
  const a = node.attributes.axis?.type === "int" ? node.attributes.axis.value : 1;
  const axis = a < 0 ? a + dims.length : a;
  const blockSize = node.attributes.block_size?.type === "int" ? node.attributes.block_size.value : 0;
  return blockSize > 0 ? { kind: "block", axis, blockSize } : { kind: "axis", axis };
}

/** (q − zp)·s for every element of an integer initializer, or saturate(round(x/s) + zp) the other way. */
function regrid(node: Node, values: Tensor, scale: Tensor, zeroPoint: Tensor | undefined, direction: "dequantize" | "quantize", dtype: string): Float64Array {
  const { groupOf } = groups(values.dims, granularityOf(node, values.dims, scale));
  const [lo, hi] = RANGES[dtype] ?? [-Infinity, Infinity];
  const out = new Float64Array(values.data.length);
  for (let i = 0; i < out.length; i++) {
    const k = groupOf(i);
    const s = Number(scale.data[k]);
    const zp = zeroPoint ? Number(zeroPoint.data[k]) : 0;
    const v = Number(values.data[i]);
    out[i] = direction === "dequantize" ? (v - zp) * s : Math.min(hi!, Math.max(lo!, roundHalfEven(v / s) + zp));
  }
  return out;
}

const TRAINABLE_INT = new Set(["int8", "uint8", "int4", "uint4"]);

/** The trainable form of `graph`; `weights` and `biases` are empty when it holds no quantized weights. */
export function toFakeQuant(graph: Graph): FakeQuantGraph {
  const weights: FakeWeight[] = [];
  const biases: FakeBias[] = [];
  const frozen: string[] = [];
  const edit = new GraphEdit(graph);
  for (const node of graph.nodes) {
    if (node.opType !== "DequantizeLinear" || (node.domain !== "" && node.domain !== "ai.onnx")) continue;
    const [intName, scaleName, zpName] = node.inputs;
    const values = graph.initializers.get(intName!);
    const scale = graph.initializers.get(scaleName!);
    const zeroPoint = zpName ? graph.initializers.get(zpName) : undefined;
    if (!values || !scale || (zpName && !zeroPoint)) continue;
    // An integer shared by several DequantizeLinears would need one float copy for all: left as it is.
    if (edit.consumersOf(intName!).length !== 1) continue;
    const floats = Float32Array.from(regrid(node, values, scale, zeroPoint, "dequantize", values.dtype));
    const floatName = edit.addInitializer(`${intName}_float`, makeTensor("float32", values.dims, floats));
    if (TRAINABLE_INT.has(values.dtype)) {
      edit.removeInitializer(intName!);
      const quantizeNode = edit.freshName(`${intName}_QuantizeLinear`);
      edit.addNode({ name: quantizeNode, opType: "QuantizeLinear", inputs: node.inputs.map((v, i) => (i === 0 ? floatName : v)), outputs: [intName!], attributes: node.attributes });
      weights.push({ intName: intName!, floatName, quantizeNode });
    } else if (values.dtype === "int32") {
      edit.removeNode(node.name, { [node.outputs[0]!]: floatName });
      biases.push({ node, intName: intName!, floatName });
      frozen.push(scaleName!);
    }
  }
  if (weights.length === 0 && biases.length === 0) return { graph, weights, biases, frozen };
  return { graph: edit.finish(), weights, biases, frozen };
}

/** Folds a trained fake-quant graph back onto its grids (see the file comment). */
export function fromFakeQuant(trained: Graph, form: FakeQuantGraph): Graph {
  if (form.weights.length === 0 && form.biases.length === 0) return trained;
  const edit = new GraphEdit(trained);
  for (const w of form.weights) {
    const q = edit.node(w.quantizeNode);
    const floats = trained.initializers.get(w.floatName)!;
    const scale = trained.initializers.get(q.inputs[1]!)!;
    const zeroPoint = q.inputs[2] ? trained.initializers.get(q.inputs[2])! : undefined;
    const dtype = zeroPoint?.dtype ?? "uint8";
    const ints = regrid(q, floats, scale, zeroPoint, "quantize", dtype);
    // The integers become an initializer under the same name, so readers keep reading it.
    edit.removeNode(w.quantizeNode, { [w.intName]: w.intName });
    edit.removeInitializer(w.floatName);
    const data = dtype === "int8" || dtype === "int4" ? Int8Array.from(ints) : Uint8Array.from(ints);
    edit.setInitializer(w.intName, makeTensor(dtype as "int8", floats.dims, data as Int8Array));
  }
  for (const b of form.biases) {
    const floats = trained.initializers.get(b.floatName)!;
    const scale = trained.initializers.get(b.node.inputs[1]!)!;
    const zeroPoint = b.node.inputs[2] ? trained.initializers.get(b.node.inputs[2]) : undefined;
    const ints = regrid(b.node, floats, scale, zeroPoint, "quantize", "int32");
    edit.setInitializer(b.intName, makeTensor("int32", floats.dims, Int32Array.from(ints)));
    edit.rewire(b.floatName, b.node.outputs[0]!);
    edit.addNode(b.node);
    edit.removeInitializer(b.floatName);
  }
  return edit.finish();
}
