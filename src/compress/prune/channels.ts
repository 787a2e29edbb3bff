// prune.channels({ ratio | perLayer, importance, data, exclude, minChannels }):
// structured pruning that physically removes output channels (filters,
// neurons, embedding columns) and the matching inputs of every consumer, on
// any ONNX graph. The dependency analysis (dependency/) finds which channels
// must go together — residual Adds, Concat index mapping, channel shuffles,
// depthwise and grouped convs, BatchNorm, Flatten → Gemm, attention heads —
// the importance criterion ranks them, the plan picks the least important
// ⌊ratio × n⌋ of each group (never below minChannels per layer), and the cut
// rewrites initializers, reshape targets and slice bounds. The result is
// validated and run on onnxruntime before the step returns.
//
//   const small = await model.apply(prune.channels({ ratio: 0.5, importance: "l1" }));
import { GraphError, OptionError } from "../../core/errors.js";
import type { Dataset } from "../../data/dataset.js";
import type { Graph } from "../../graph/types.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";
import { validateGraph } from "../../graph/validate.js";
import type { Model } from "../../model/model.js";
import type { RecipeStep, Step, StepResult } from "../../model/step.js";
import { checkOptions, type OptionsSchema } from "../../model/options-schema.js";
import { registerStep } from "../../model/step-registry.js";
import { toMimeBundle } from "../../display/bundle.js";
import { createOrtSession } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { dataReference, datasetFor, type DataInput } from "../../train/from-dataset.js";
import { analyzeChannels, type Analysis } from "./dependency/analyze.js";
import { channelGroups, freeUnits, pinReasons } from "./dependency/groups.js";
import { cutChannels } from "./dependency/apply.js";
import type { UnitId } from "./dependency/types.js";
import { planCut } from "./plan.js";
import { channelReport } from "./channel-report.js";
import { checkSelection, refuseQuantized } from "./targets.js";
import { stripUndefined } from "./magnitude.js";
import { weightNormScores, bnScaleScores } from "./importance/weights.js";
import { ACTIVATION_STATISTICS, activationScores, type ActivationStatistic } from "./importance/activation.js";
import { taylorScores } from "./importance/taylor.js";
import type { LatencyOption } from "./report.js";

export const IMPORTANCES = ["l1", "l2", "bn-scale", "activation", "taylor"] as const;
export type Importance = (typeof IMPORTANCES)[number];
const NEEDS_DATA: readonly Importance[] = ["activation", "taylor"];

export interface ChannelsOptions {
  /** Fraction of each dependency group's channels to remove, in [0, 1). */
  readonly ratio?: number;
  /** Ratios by layer (Conv/Gemm/MatMul node name); these layers must be prunable as asked. */
  readonly perLayer?: Readonly<Record<string, number>>;
  /** How channels are ranked (default "l1"). */
  readonly importance?: Importance;
  /** Data for "activation" and "taylor": a Dataset or a reference ("mnist:train"). */
  readonly data?: DataInput;
  /** Samples of `data` read (default 256). */
  readonly samples?: number;
  /** "activation": mean |activation| ("mean-abs", default) or 1 − APoZ ("apoz"). */
  readonly statistic?: ActivationStatistic;
  /** Layers (node names or op types) whose output channels stay. */
  readonly exclude?: readonly string[];
  /** Channels every layer keeps at least (default 1). */
  readonly minChannels?: number;
  readonly latency?: LatencyOption;
}

export const CHANNELS_OPTIONS: OptionsSchema = Object.freeze({
  ratio: { type: "number", min: 0, below: 1, doc: "fraction of each dependency group's channels removed" },
  perLayer: { type: "object", doc: 'ratios by layer name, e.g. { "conv1": 0.25 } (these layers must be prunable)' },
  importance: { type: "string", oneOf: IMPORTANCES, default: "l1", doc: "how channels are ranked: weight norms, BatchNorm |γ|, activations or Taylor (activation × gradient)" },
  data: { type: "data", doc: 'samples for "activation" and "taylor" importance: a Dataset or "mnist:train"' },
  samples: { type: "integer", min: 1, default: 256, doc: "samples of data read for activation/taylor importance" },
  statistic: { type: "string", oneOf: ACTIVATION_STATISTICS, default: "mean-abs", doc: 'for "activation": mean |activation| or 1 − APoZ' },
  exclude: { type: "array", doc: "layers (node names or op types) whose output channels stay" },
  minChannels: { type: "integer", min: 1, default: 1, doc: "channels every layer keeps at least" },
  latency: { type: ["boolean", "object"], default: true, doc: "onnxruntime latency before/after in the report: true, false or { batch, runs, warmup }" },
});

function checkChannels(options: ChannelsOptions): void {
  checkOptions("prune.channels", CHANNELS_OPTIONS, options, '{ ratio: 0.5, importance: "l1" }');
  const problems: string[] = [];
  const importance = options.importance ?? "l1";
  if (options.ratio === undefined && options.perLayer === undefined) problems.push("pass ratio (e.g. 0.5) or perLayer ({ layerName: ratio })");
  for (const [layer, r] of Object.entries(options.perLayer ?? {})) {
    if (typeof r !== "number" || !(r >= 0 && r < 1)) problems.push(`perLayer["${layer}"] must be a ratio in [0, 1) (1 would empty the layer), got ${JSON.stringify(r)}`);
  }
  if (NEEDS_DATA.includes(importance) && options.data === undefined) {
    problems.push(`importance "${importance}" reads ${importance === "taylor" ? "activations and gradients" : "activations"} on data: pass data, e.g. data: "mnist:train" or data: mnist.train.take(256)`);
  }
  if (options.statistic !== undefined && importance !== "activation") problems.push(`statistic applies to importance "activation", not "${importance}"`);
  if (problems.length > 0) throw new OptionError(`prune.channels: ${problems.join("; ")}`, { details: { problems } });
}

async function scoresFor(analysis: Analysis, options: ChannelsOptions, graph: Graph): Promise<{ scores: Map<UnitId, number>; name: string }> {
  const importance = options.importance ?? "l1";
  const data = async (): Promise<Dataset> => datasetFor(options.data!, graph);
  switch (importance) {
    case "l1":
    case "l2":
      return { scores: weightNormScores(analysis, importance), name: `${importance} norm` };
    case "bn-scale": {
      const scores = bnScaleScores(analysis);
      if (scores.size === 0) {
        throw new GraphError(
          `prune.channels: importance "bn-scale" ranks channels by the |γ| of the BatchNormalization after them, and graph "${graph.name}" has none ` +
            `(PyTorch's exporter folds BatchNorm into Conv in eval mode: export with training=torch.onnx.TrainingMode.PRESERVE, or use importance "l1")`,
        );
      }
      return { scores, name: "BatchNormalization scale" };
    }
    case "activation":
      return { scores: await activationScores(analysis, await data(), options.samples ?? 256, options.statistic ?? "mean-abs"), name: "activation statistic" };
    case "taylor":
      return { scores: await taylorScores(analysis, await data(), options.samples ?? 256), name: "Taylor score" };
  }
}

/** The pruned graph must be valid, typed, runnable on onnxruntime, with the outputs it had. */
async function checkPruned(before: Graph, after: Graph): Promise<void> {
  validateGraph(after);
  const { problems } = inferShapesWithReport(after);
  const fail = (what: string) => {
    throw new GraphError(`prune.channels produced a graph that ${what}. This is a bug in compactor's channel rules; please report it with the model.`, { details: { problems } });
  };
  if (problems.length > 0) fail(`shape inference rejects:\n  ${problems.join("\n  ")}`);
  // Symbolic sizes other than the batch (a sequence length) get a small size of their own.
  const symbols = before.inputs.flatMap((i) => (i.shape ?? []).slice(1).filter((d): d is string => typeof d === "string"));
  const feeds = randomInputs(before, { seed: 0, batch: 2, dims: Object.fromEntries(symbols.map((s) => [s, 5])) });
  const [a, b] = await Promise.all([createOrtSession(before).then((s) => s.run(feeds)), createOrtSession(after).then((s) => s.run(feeds))]).catch((e: Error) => fail(`onnxruntime cannot run: ${e.message}`));
  for (const o of before.outputs) {
    if (a[o.name]!.dims.join() !== b[o.name]?.dims.join()) fail(`changed output "${o.name}" from [${a[o.name]!.dims.join(", ")}] to [${b[o.name]?.dims.join(", ")}]`);
  }
}

export function channels(options: ChannelsOptions): Step {
  checkChannels(options);
  return {
    step: "prune.channels",
    toJSON: (): RecipeStep => ({
      step: "prune.channels",
      ...stripUndefined({ ...options, importance: options.importance ?? "l1", data: options.data === undefined ? undefined : dataReference(options.data, "data") }),
    }),
    async run(model: Model): Promise<StepResult> {
      refuseQuantized(model.graph, "prune.channels");
      if (options.exclude) checkSelection(model.graph, { exclude: options.exclude }, "prune.channels");
      const analysis = analyzeChannels(model.graph);
      const groups = channelGroups(analysis);
      if (!groups.some((g) => freeUnits(g).length > 0)) {
        const reasons = [...new Set(groups.flatMap(pinReasons))];
        throw new GraphError(
          `prune.channels: graph "${model.graph.name}" has nothing to prune: ` +
            (groups.length === 0 ? "no Conv, Gemm, MatMul or embedding layer produces channels" : `every layer's channels must stay:\n  ${reasons.slice(0, 10).join("\n  ")}`),
          { details: { reasons } },
        );
      }
      const { scores, name } = await scoresFor(analysis, options, model.graph);
      const plan = planCut(groups, analysis.units, scores, { ratio: options.ratio, perLayer: options.perLayer, exclude: options.exclude, minChannels: options.minChannels ?? 1 }, analysis.graph, name);
      const { graph, masks } = cutChannels(analysis, plan.removed, model.masks);
      await checkPruned(model.graph, graph);
      const report = await channelReport(model.graph, analysis, graph, plan.outcomes, plan.removed, options.latency ?? true);
      return { graph, masks, metrics: { importance: options.importance ?? "l1", ...report.metrics }, figures: report.figures.map((f) => toMimeBundle(f)) };
    },
  };
}

registerStep({
  name: "prune.channels",
  summary: "structured pruning: physically remove output channels and their consumers' inputs (residual, concat, shuffle, depthwise, attention aware)",
  options: CHANNELS_OPTIONS,
  fromJSON: (options) => channels(options as unknown as ChannelsOptions),
});
