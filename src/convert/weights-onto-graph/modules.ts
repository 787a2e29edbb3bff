// A state_dict seen as PyTorch modules: keys grouped by their prefix (all but
// the last dotted part), in the order the model registered them. The mapper
// finds a graph node's module by the scope PyTorch's exporter writes into node
// names ("/layer1/layer1.0/conv1/Conv" → layer1.0.conv1), or else by order:
// the first module not yet used whose parameters fit.
import type { Tensor } from "../../graph/types.js";

export interface Module {
  readonly prefix: string;
  /** Position in the state_dict's module order. */
  readonly index: number;
  /** Leaf name ("weight", "running_mean", "weight_ih_l0") → full key. */
  readonly keys: ReadonlyMap<string, string>;
}

export class StateDictModules {
  readonly modules: Module[] = [];
  private readonly byPrefix = new Map<string, Module>();
  private readonly used = new Set<string>();

  constructor(readonly weights: ReadonlyMap<string, Tensor>) {
    const groups = new Map<string, Map<string, string>>();
    for (const key of weights.keys()) {
      const dot = key.lastIndexOf(".");
      const prefix = dot < 0 ? "" : key.slice(0, dot);
      if (!groups.has(prefix)) groups.set(prefix, new Map());
      groups.get(prefix)!.set(key.slice(dot + 1), key);
    }
    for (const [prefix, keys] of groups) {
      const module: Module = { prefix, index: this.modules.length, keys };
      this.modules.push(module);
      this.byPrefix.set(prefix, module);
    }
  }

  module(prefix: string): Module | undefined {
    return this.byPrefix.get(prefix);
  }

  tensor(module: Module, leaf: string): Tensor | undefined {
    const key = module.keys.get(leaf);
    return key === undefined ? undefined : this.weights.get(key);
  }

  isUsed(key: string): boolean {
    return this.used.has(key);
  }

  /** An unused parameter of `module` called `leaf`. */
  free(module: Module, leaf: string): Tensor | undefined {
    const key = module.keys.get(leaf);
    return key === undefined || this.used.has(key) ? undefined : this.weights.get(key);
  }

  use(key: string): void {
    this.used.add(key);
  }

  unused(): string[] {
    return [...this.weights.keys()].filter((k) => !this.used.has(k));
  }

  /** The module right after `module` in registration order. */
  next(module: Module): Module | undefined {
    return this.modules[module.index + 1];
  }

  /**
   * Module prefixes a node name's scope can mean. torch ≥ 1.13 names nodes
   * "/a/b.0/c/Op": each part is a child's name, sometimes qualified from an
   * ancestor ("/stem/stem.0/Conv" is stem.0, "/f/f.1/block/block.0/block.0.0/Conv"
   * is f.1.block.0.0, "/encoder/layers.0/…" is encoder.layers.0). Only prefixes the state_dict has are returned.
   */
  scopesOf(nodeName: string): Module[] {
    if (!nodeName.startsWith("/")) return [];
    const parts = nodeName.split("/").slice(1, -1);
    if (parts.length === 0) return [];
    let path: string[] = [];
    for (const part of parts) {
      // A dotted part is qualified from an ancestor in the path: "block.0.0" under
      // features.1.block.0 is features.1.block.0.0. Otherwise it is a child.
      const segments = part.split(".");
      const from = segments.length > 1 ? path.lastIndexOf(segments[0]!) : -1;
      path = from >= 0 ? [...path.slice(0, from), ...segments] : [...path, ...segments];
    }
    const candidates = [path.join("."), parts.join(".")];
    return [...new Set(candidates)].map((p) => this.byPrefix.get(p)).filter((m): m is Module => m !== undefined);
  }
}
