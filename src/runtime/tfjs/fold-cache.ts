// The fold cache: the shape-generic fold compile() makes, plus folds for the
// input-shape signatures calls have seen (specialize.ts explains why), a few
// of them, since a training loop's last batch is often smaller. A signature
// whose fold adds nothing to the generic one shares the generic fold.
import { tf } from "./tf.js";
import { BackendError } from "../../core/errors.js";
import type { Graph, Node } from "../../graph/types.js";
import { foldConstants, foldConstantsAsync, type FoldInputs, type FoldedConstants } from "./constants.js";
import { readsSynchronously } from "./host-reads.js";
import type { OpContext } from "./ops/types.js";
import { shapeSignature, withInputShapes } from "./specialize.js";

type Shapes = Record<string, { readonly shape: readonly number[] }>;

/** A node's constantOf: its inputs' folded values (bool as int32, as ops read them). */
export function constantsOf(folded: FoldedConstants, node: Node): OpContext["constantOf"] {
  return (i) => {
    const v = folded.values.get(node.inputs[i] ?? "");
    return v instanceof Uint8Array ? Int32Array.from(v) : v;
  };
}

export class ShapeFolds {
  private readonly cache: FoldCache;
  /** With every input shape declared, the generic fold is all there is. */
  private readonly allStatic: boolean;

  private constructor(
    private readonly graph: Graph,
    private readonly inputs: FoldInputs,
    readonly generic: FoldedConstants,
  ) {
    this.cache = new FoldCache(4, generic);
    this.allStatic = graph.inputs.every((v) => v.shape?.every((d) => typeof d === "number"));
  }

  /** Folds `graph` shape-generically (reading values asynchronously: every backend can). */
  static async create(graph: Graph, inputs: FoldInputs): Promise<ShapeFolds> {
    return new ShapeFolds(graph, inputs, await foldConstantsAsync(graph, inputs));
  }

  /** The fold for these feeds' shapes, made on first use (kept out of the caller's tidy scope). */
  forFeeds(feeds: Shapes): FoldedConstants {
    if (this.allStatic) return this.generic;
    const key = shapeSignature(this.graph, feeds);
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (!readsSynchronously()) {
      throw new BackendError(
        `graph "${this.graph.name}": input shapes [${key}] were not prepared on the ${tf.getBackend()} backend, which cannot read values synchronously: ` +
          `await prepare(feeds) before forward() with new input shapes (run() and training do)`,
        { details: { graph: this.graph.name, shapes: key } },
      );
    }
    const concrete = withInputShapes(this.graph, feeds);
    return this.remember(key, concrete ? foldConstants(concrete, this.inputs) : this.generic);
  }

  /** Makes the fold for these shapes ahead of forFeeds, reading values asynchronously. */
  async prepare(feeds: Shapes): Promise<void> {
    const key = shapeSignature(this.graph, feeds);
    if (this.allStatic || this.cache.get(key)) return;
    const concrete = withInputShapes(this.graph, feeds);
    this.remember(key, concrete ? await foldConstantsAsync(concrete, this.inputs) : this.generic);
  }

  dispose(): void {
    for (const t of this.generic.tensors.values()) t.dispose();
    this.cache.clear();
  }

  /** Keeps a signature's fold, or the generic one when specializing folded nothing more. */
  private remember(key: string, folded: FoldedConstants): FoldedConstants {
    if (folded !== this.generic && folded.foldedNodes.size === this.generic.foldedNodes.size) {
      for (const t of folded.tensors.values()) t.dispose();
      folded = this.generic;
    }
    if (folded !== this.generic) for (const t of folded.tensors.values()) tf.keep(t);
    this.cache.set(key, folded);
    return folded;
  }
}

/** A few signatures' folds, oldest dropped first (its tensors disposed). */
class FoldCache {
  private readonly entries = new Map<string, FoldedConstants>();
  /** `shared` (the shape-generic fold, owned by the caller) may be stored but is never disposed here. */
  constructor(
    private readonly capacity: number,
    private readonly shared: FoldedConstants,
  ) {}

  get(key: string): FoldedConstants | undefined {
    return this.entries.get(key);
  }

  set(key: string, folded: FoldedConstants): void {
    if (this.entries.size >= this.capacity) {
      const [oldest, dropped] = this.entries.entries().next().value as [string, FoldedConstants];
      if (dropped !== this.shared) disposeFolded(dropped);
      this.entries.delete(oldest);
    }
    this.entries.set(key, folded);
  }

  clear(): void {
    for (const f of this.entries.values()) if (f !== this.shared) disposeFolded(f);
    this.entries.clear();
  }
}

function disposeFolded(f: FoldedConstants): void {
  for (const t of f.tensors.values()) t.dispose();
}
