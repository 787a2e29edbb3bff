// The vocabulary of structured (channel) pruning on an ONNX graph.
//
// Every channel axis the analysis follows is a list of *positions*, one per
// index along that axis, each holding the *unit* it belongs to: a unit is
// what can be removed as a whole (one output channel of a Conv, and every
// position elsewhere that must go with it). Ops couple positions (a residual
// Add joins its inputs' units position by position; a channel shuffle joins
// the channels that land in one column), and a union-find merges coupled
// units. A Dependency says what removing units cuts — which initializer,
// along which axis, with which unit at each index (its index mapping) —
// and a Group is the set of units ranked and pruned together with the
// indices each dependency loses: [dependency, indices][] (Torch-Pruning's
// concepts, here as plain named objects).
import type { Dim, Node } from "../../../graph/types.js";
import type { GraphEdit } from "../../../graph/edit.js";

/** A unit id (see units.ts); positions hold them, possibly before merging. */
export type UnitId = number;

/** One channel axis: the unit at each index. */
export type Positions = Int32Array;

/** What a dependency cuts: the three roles importance criteria tell apart. */
export const CUT_ROLES = ["out", "in", "param"] as const;
export type CutRole = (typeof CUT_ROLES)[number];

/** Which channel axis, of which value, triggers a dependency. */
export interface Trigger {
  readonly node: string;
  readonly value: string;
  readonly axis: number;
}

/** Removes indices of an initializer along one axis. */
export interface Handler {
  readonly initializer: string;
  readonly axis: number;
  /**
   * out: a layer's output channels (filter rows, their bias); in: a consumer's
   * input slice; param: per-channel parameters of an op in between (BatchNorm,
   * a bias Add, a LayerNorm scale).
   */
  readonly role: CutRole;
  /** A BatchNormalization / InstanceNormalization scale γ (what bn-scale ranks). */
  readonly scale?: boolean;
  /** BatchNorm running mean or variance: state, not a learned parameter. */
  readonly statistic?: boolean;
}

export interface Dependency {
  readonly trigger: Trigger;
  readonly handler: Handler;
  /** The unit of each index of the handler's axis. */
  readonly indexMapping: Positions;
  /** Nodes the initializer passes through on its way to the trigger's node (an Unsqueeze, an Expand). */
  readonly via?: readonly string[];
}

/** A value whose channels importance criteria may observe (activation, APoZ). */
export interface ActivationSite {
  readonly value: string;
  readonly axis: number;
  readonly positions: Positions;
  /** input: read by a weighted consumer (post-activation); output: written by a layer. */
  readonly kind: "input" | "output";
}

/** At apply time: which indices of an axis survive. */
export interface KeptResolver {
  /** Indices of `positions` whose unit is kept, ascending. */
  kept(positions: Positions): number[];
}

/** A node change the cut forces (a Reshape target, Slice bounds, a Conv's group count). */
export type Rewrite = (kept: KeptResolver, edit: GraphEdit) => void;

/** What an op rule sees and does while the analysis walks the graph. */
export interface RuleContext {
  readonly node: Node;
  readonly opset: number;
  /** The known shape of a value (shape inference, with initializers' dims). */
  shape(value: string): readonly Dim[] | undefined;
  /** The elements of a small constant-like value (Reshape targets, Slice bounds) when shape inference knows them. */
  value(value: string): readonly Dim[] | undefined;
  /** The tracked channel axes of a value: axis → positions. */
  tracked(value: string): ReadonlyMap<number, Positions> | undefined;
  /** The float initializer a value is (through Identity nodes), if it is one. */
  initializer(value: string): string | undefined;
  /** `count` new units. */
  fresh(count: number): Positions;
  /** Joins two axes position by position (same length). */
  couple(a: Positions, b: Positions): void;
  /** These units must stay, for `reason` (shown in the report, and in the error when asked to prune them). */
  pin(positions: Positions, reason: string): void;
  /** Output `index` of this node carries channels on `axis`. */
  track(index: number, axis: number, positions: Positions): void;
  /** Removing units cuts `handler`; positions map its indices to units. */
  cut(handler: Handler, positions: Positions, trigger: { value: string; axis: number; via?: readonly string[] }): void;
  /** The node producing a value (undefined for inputs and initializers). */
  producer(value: string): Node | undefined;
  /** A change to this node that the cut forces, run when the pruned graph is built. */
  rewrite(change: Rewrite): void;
  /** Inputs the rewrite replaces with constants (shape targets, bounds): what computes them may use channel counts freely. */
  replaces(...inputs: number[]): void;
  site(site: ActivationSite): void;
  /** Pins every tracked axis of every input: the node reads channels in a way no rule maps. */
  unmappable(why: string): void;
}

/** One op's channel rule. */
export type ChannelRule = (ctx: RuleContext) => void;
