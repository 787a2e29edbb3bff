// Checks run-time feeds against a graph's declared inputs before any runtime
// sees them, so a user gets every problem at once (missing, extra, dtype, rank,
// static dims, inconsistent symbolic dims) instead of an engine's first complaint.
// Both runtimes check here: onnxruntime's session and the tfjs compiler (which
// is fed tf tensors too, whose dtypes are tfjs's own: see FeedCheckOptions).
import { ShapeError } from "../core/errors.js";
import type { DType, Graph } from "../graph/types.js";

/** What a check reads of a feed: a Tensor (src/graph/types.ts) is one. */
export interface FeedView {
  readonly dtype: string;
  readonly dims: readonly number[];
}

export interface FeedCheckOptions {
  /**
   * Whether a feed of dtype `got` fits an input declared `declared`; default
   * exact equality. The tfjs runtime holds int64 as int32 and float64 as
   * float32, so it accepts what converts to the same tfjs dtype.
   */
  readonly dtypeFits?: (declared: DType, got: string) => boolean;
}

function formatShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

/** Every mismatch between `feeds` and `graph.inputs`, one line each; empty when they fit. */
export function feedProblems(graph: Graph, feeds: Readonly<Record<string, FeedView>>, options: FeedCheckOptions = {}): string[] {
  const dtypeFits = options.dtypeFits ?? ((declared: DType, got: string) => declared === got);
  const problems: string[] = [];
  const declared = new Set(graph.inputs.map((i) => i.name));
  const missing = graph.inputs.filter((i) => !(i.name in feeds)).map((i) => i.name);
  const extra = Object.keys(feeds).filter((name) => !declared.has(name));
  if (missing.length > 0) problems.push(`missing input${missing.length > 1 ? "s" : ""}: ${missing.map((n) => `"${n}"`).join(", ")}`);
  if (extra.length > 0) problems.push(`unknown input${extra.length > 1 ? "s" : ""}: ${extra.map((n) => `"${n}"`).join(", ")}`);

  // A symbolic dim ("batch") must take one value across all inputs that use it.
  const bound = new Map<string, { value: number; input: string }>();
  for (const input of graph.inputs) {
    const feed = feeds[input.name];
    if (feed === undefined) continue;
    // Formatted only for a problem: the tfjs runtime checks every forward() call.
    const got = () => `${feed.dtype} ${formatShape(feed.dims)}`;
    const expected = () => `${input.dtype} ${input.shape ? formatShape(input.shape) : "(any shape)"}`;
    if (!dtypeFits(input.dtype, feed.dtype)) {
      problems.push(`input "${input.name}": dtype expected ${expected()}, got ${got()}`);
      continue;
    }
    if (input.shape === undefined) continue;
    if (feed.dims.length !== input.shape.length) {
      problems.push(`input "${input.name}": rank expected ${expected()}, got ${got()}`);
      continue;
    }
    input.shape.forEach((dim, axis) => {
      const size = feed.dims[axis]!;
      if (typeof dim === "number" && dim >= 0 && dim !== size) {
        problems.push(`input "${input.name}": dim ${axis} expected ${expected()}, got ${got()}`);
      } else if (typeof dim === "string" && dim !== "") {
        const earlier = bound.get(dim);
        if (earlier === undefined) bound.set(dim, { value: size, input: input.name });
        else if (earlier.value !== size) {
          problems.push(
            `input "${input.name}": dim ${axis} ("${dim}") is ${size} but input "${earlier.input}" set "${dim}" = ${earlier.value}`,
          );
        }
      }
    });
  }
  return problems;
}

/** Throws one ShapeError listing every feed problem; `where` names the model and runtime. */
export function checkFeeds(graph: Graph, feeds: Readonly<Record<string, FeedView>>, where: string, options: FeedCheckOptions = {}): void {
  const problems = feedProblems(graph, feeds, options);
  if (problems.length === 0) return;
  const declared = graph.inputs
    .map((i) => `  ${i.name}: ${i.dtype} ${i.shape ? formatShape(i.shape) : "(any shape)"}`)
    .join("\n");
  throw new ShapeError(
    `${where}: ${problems.length} problem${problems.length > 1 ? "s" : ""} with the inputs:\n` +
      problems.map((p) => `  - ${p}`).join("\n") +
      `\nThe model expects:\n${declared}`,
    { details: { problems, expected: graph.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })) } },
  );
}
