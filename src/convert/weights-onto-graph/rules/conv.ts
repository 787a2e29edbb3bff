// Conv and ConvTranspose: the module's weight (and bias), with the following
// BatchNorm folded in where the exporter folded it. torch.onnx.export in eval
// mode fuses Conv→BatchNorm into one Conv with a bias and loses both names; the
// BatchNorm is then the module registered right after the conv, with as many
// channels, that no BatchNormalization node of the graph reads.
import type { Node } from "../../../graph/types.js";
import type { Module } from "../modules.js";
import { foldBatchNorm, sameDims } from "../tensor-ops.js";
import type { Assignment, MapContext, Match, NodeRule } from "./types.js";

const BN_LEAVES = ["weight", "bias", "running_mean", "running_var"] as const;

/** The BatchNorm module folded into `conv`, if the graph shows it was. */
function foldedBatchNorm(node: Node, conv: Module, channels: number, ctx: MapContext): Module | undefined {
  const next = ctx.modules.next(conv);
  if (!next || !BN_LEAVES.every((leaf) => ctx.modules.free(next, leaf)?.dims[0] === channels)) return undefined;
  const readByBatchNorm = ctx.consumers(node.outputs[0]!).some((n) => n.opType === "BatchNormalization");
  return readByBatchNorm ? undefined : next;
}

function mapConv(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined {
  const weightSlot = ctx.pending(node, 1);
  const biasSlot = ctx.pending(node, 2);
  if (!weightSlot && !biasSlot) return undefined;
  const known = ctx.moduleOf(node);
  const modules = weightSlot ? candidates : known ? [known.module] : [];
  const transpose = node.opType === "ConvTranspose";
  for (const module of modules) {
    const weight = weightSlot ? ctx.modules.free(module, "weight") : ctx.modules.tensor(module, "weight");
    if (!weight || (weightSlot && !sameDims(weight.dims, weightSlot.tensor.dims))) continue;
    const weightKey = module.keys.get("weight")!;
    const channels = transpose ? weight.dims[1]! * Number(node.attributes.group?.value ?? 1) : weight.dims[0]!;
    const bias = ctx.modules.tensor(module, "bias");
    const biasKey = module.keys.get("bias");
    const bn = biasSlot && !transpose ? foldedBatchNorm(node, module, channels, ctx) : undefined;
    const assignments: Assignment[] = [];
    if (bn) {
      const [gamma, beta, mean, variance] = BN_LEAVES.map((leaf) => ctx.modules.tensor(bn, leaf)!);
      const folded = foldBatchNorm(weight, bias, { gamma: gamma!, beta: beta!, mean: mean!, variance: variance!, epsilon: ctx.batchNormEpsilon });
      const bnKeys = [...bn.keys.values()];
      const note = `BatchNorm ${bn.prefix} folded in (ε ${ctx.batchNormEpsilon})`;
      if (weightSlot) assignments.push({ slot: weightSlot.name, value: folded.weight, keys: [weightKey, ...bnKeys], note, folded: bn.prefix });
      else return undefined; // a folded weight never keeps its name: this is not the module
      assignments.push({ slot: biasSlot!.name, value: folded.bias, keys: [...(biasKey ? [biasKey] : []), ...bnKeys], note, folded: bn.prefix });
    } else {
      if (weightSlot) assignments.push({ slot: weightSlot.name, value: weight, keys: [weightKey] });
      if (biasSlot) {
        if (!bias || !sameDims(bias.dims, biasSlot.tensor.dims)) continue;
        assignments.push({ slot: biasSlot.name, value: bias, keys: [biasKey!] });
      }
    }
    return { module, leaf: "weight", assignments };
  }
  return undefined;
}

export const CONV_RULE: NodeRule = { opTypes: ["Conv", "ConvTranspose"], map: mapConv };
