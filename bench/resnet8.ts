// The ResNet-8-style student of issue 14's target, as a Graph: a 3×3 conv
// stem (16) and three stages of one basic block each (16, 32, 64 channels;
// the second and third stride 2 with a 1×1 stride-2 projection shortcut),
// every conv followed by BatchNorm, residual adds, global average pooling and
// a linear layer; CIFAR-sized 3×32×32 inputs. bench/torch_throughput.py
// builds the same network in PyTorch (model "resnet8").
import { GraphBuilder } from "../src/graph/builder.js";
import { float32 } from "../src/graph/tensor.js";
import type { Graph } from "../src/graph/types.js";
import { seededRandom } from "../src/core/random.js";

export function resnet8(options: { seed?: number; classes?: number; channels?: number } = {}): Graph {
  const next = seededRandom(options.seed ?? 0);
  const b = new GraphBuilder({ name: "resnet8", opset: 17 });
  const uniform = (count: number, fanIn: number) => Float32Array.from({ length: count }, () => (next() * 2 - 1) / Math.sqrt(fanIn));
  const convBn = (x: string, name: string, cin: number, cout: number, k: number, stride: number, relu: boolean): string => {
    const w = b.initializer(`${name}.weight`, float32([cout, cin, k, k], uniform(cout * cin * k * k, cin * k * k)));
    const pad = (k - 1) / 2;
    let h = b.node("Conv", [x, w], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] }, { name })[0]!;
    const bn = ["weight", "bias", "running_mean", "running_var"].map((p) => `${name}.bn.${p}`);
    b.initializer(bn[0]!, float32([cout], new Float32Array(cout).fill(1)));
    b.initializer(bn[1]!, float32([cout], new Float32Array(cout)));
    b.initializer(bn[2]!, float32([cout], new Float32Array(cout)));
    b.initializer(bn[3]!, float32([cout], new Float32Array(cout).fill(1)));
    h = b.node("BatchNormalization", [h, ...bn], { epsilon: 1e-5, momentum: 0.9 }, { name: `${name}.bn` })[0]!;
    return relu ? b.node("Relu", [h], {}, { name: `${name}.relu` })[0]! : h;
  };
  const block = (x: string, name: string, cin: number, cout: number, stride: number): string => {
    const h = convBn(convBn(x, `${name}.conv1`, cin, cout, 3, stride, true), `${name}.conv2`, cout, cout, 3, 1, false);
    const shortcut = stride === 1 && cin === cout ? x : convBn(x, `${name}.shortcut`, cin, cout, 1, stride, false);
    const sum = b.node("Add", [h, shortcut], {}, { name: `${name}.add` })[0]!;
    return b.node("Relu", [sum], {}, { name: `${name}.relu` })[0]!;
  };
  const c = options.channels ?? 16;
  let h = b.input("input", "float32", ["N", 3, 32, 32]);
  h = convBn(h, "stem", 3, c, 3, 1, true);
  h = block(h, "layer1", c, c, 1);
  h = block(h, "layer2", c, 2 * c, 2);
  h = block(h, "layer3", 2 * c, 4 * c, 2);
  h = b.node("GlobalAveragePool", [h], {}, { name: "gap" })[0]!;
  h = b.node("Flatten", [h], { axis: 1 }, { name: "flatten" })[0]!;
  const classes = options.classes ?? 10;
  const w = b.initializer("fc.weight", float32([classes, 4 * c], uniform(classes * 4 * c, 4 * c)));
  const bias = b.initializer("fc.bias", float32([classes], uniform(classes, 4 * c)));
  h = b.node("Gemm", [h, w, bias], { transB: 1 }, { name: "fc" })[0]!;
  b.output(h, "logits");
  return b.build();
}
