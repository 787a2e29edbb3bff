// nn.Linear as the exporter writes it: Gemm with the weight as is (transB = 1)
// or transposed, MatMul with the weight transposed ([in, out]) and its bias in
// the Add that follows. Packed projections (MultiheadAttention's
// in_proj_weight) are parameters like any other 2-D weight of the module.
import type { Node } from "../../../graph/types.js";
import { sameDims, transpose2d } from "../tensor-ops.js";
import type { Assignment, MapContext, Match, NodeRule } from "./types.js";
import type { Module } from "../modules.js";

const biasLeaf = (weightLeaf: string) => weightLeaf.replace(/weight$/, "bias");

/** Unused 2-D parameters of the module, "weight" first. */
function weightLeaves(module: Module): string[] {
  const leaves = [...module.keys.keys()].filter((l) => /weight/.test(l));
  return [...leaves.filter((l) => l === "weight"), ...leaves.filter((l) => l !== "weight")];
}

function mapGemm(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined {
  const bSlot = ctx.pending(node, 1);
  const cSlot = ctx.pending(node, 2);
  if (!bSlot && !cSlot) return undefined;
  const transB = Number(node.attributes.transB?.value ?? 0) === 1;
  const known = ctx.moduleOf(node);
  const modules = bSlot ? candidates : known ? [known.module] : [];
  for (const module of modules) {
    for (const leaf of bSlot ? weightLeaves(module) : [known!.leaf]) {
      const weight = bSlot ? ctx.modules.free(module, leaf) : ctx.modules.tensor(module, leaf);
      if (!weight || weight.dims.length !== 2) continue;
      const assignments: Assignment[] = [];
      if (bSlot) {
        const want = transB ? weight.dims : [weight.dims[1]!, weight.dims[0]!];
        if (!sameDims(want, bSlot.tensor.dims)) continue;
        assignments.push({ slot: bSlot.name, value: transB ? weight : transpose2d(weight), keys: [module.keys.get(leaf)!], ...(transB ? {} : { note: "transposed" }) });
      }
      if (cSlot) {
        const bias = ctx.modules.free(module, biasLeaf(leaf));
        if (!bias || bias.dims.length !== 1 || bias.dims[0] !== weight.dims[0]) continue;
        assignments.push({ slot: cSlot.name, value: cSlot.tensor.dims.length === 1 ? bias : { ...bias, dims: cSlot.tensor.dims }, keys: [module.keys.get(biasLeaf(leaf))!] });
      }
      return { module, leaf, assignments };
    }
  }
  return undefined;
}

function mapMatMul(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined {
  const slot = ctx.pending(node, 1);
  if (!slot || slot.tensor.dims.length !== 2) return undefined;
  for (const module of candidates) {
    for (const leaf of weightLeaves(module)) {
      const weight = ctx.modules.free(module, leaf);
      if (!weight || weight.dims.length !== 2 || !sameDims([weight.dims[1]!, weight.dims[0]!], slot.tensor.dims)) continue;
      return { module, leaf, assignments: [{ slot: slot.name, value: transpose2d(weight), keys: [module.keys.get(leaf)!], note: "transposed" }] };
    }
  }
  return undefined;
}

/** The bias Add after a mapped MatMul: `<weight leaf minus "weight">bias` of the same module. */
function mapBiasAdd(node: Node, _candidates: readonly Module[], ctx: MapContext): Match | undefined {
  const side = [0, 1].find((i) => ctx.pending(node, i) !== undefined);
  if (side === undefined) return undefined;
  const slot = ctx.pending(node, side)!;
  const matmul = ctx.producer(node.inputs[1 - side]!);
  const from = matmul && matmul.opType === "MatMul" ? ctx.moduleOf(matmul) : undefined;
  if (!from) return undefined;
  const leaf = biasLeaf(from.leaf);
  const bias = ctx.modules.free(from.module, leaf);
  if (!bias || bias.data.length !== slot.tensor.data.length) return undefined;
  return { module: from.module, leaf, assignments: [{ slot: slot.name, value: { ...bias, dims: slot.tensor.dims }, keys: [from.module.keys.get(leaf)!] }] };
}

export const GEMM_RULE: NodeRule = { opTypes: ["Gemm"], map: mapGemm };
export const MATMUL_RULE: NodeRule = { opTypes: ["MatMul"], map: mapMatMul };
export const BIAS_ADD_RULE: NodeRule = { opTypes: ["Add"], thenGeneric: true, map: mapBiasAdd };
