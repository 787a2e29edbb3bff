// Feature (hint) distillation plumbing. Each pair names a student value and a
// teacher value; the student's is exposed as an extra graph output for
// training, through a learned adapter when the widths differ (Gemm for
// [N, C], 1×1 Conv for [N, C, H, W]) so it can be compared with the teacher's
// by MSE. After training the extra outputs are removed and pruneUnused drops
// the adapters: they exist only to carry the hint loss.
import { OptionError, ShapeError } from "../../core/errors.js";
import { withOutputs, pruneUnused } from "../../graph/extract.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";
import { float32 } from "../../graph/tensor.js";
import { producers } from "../../graph/topo.js";
import type { Dim, Graph } from "../../graph/types.js";
import { GraphEdit } from "../../graph/edit.js";
import { seededRandom } from "../../core/random.js";

export interface FeaturePair {
  /** A value of the student graph (a node output, e.g. "relu1_out"). */
  readonly student: string;
  /** A value of the teacher graph. */
  readonly teacher: string;
  /** Weight of this pair's MSE in the total loss (default 1). */
  readonly weight?: number;
}

/** One pair as training sees it: which student output to compare with which teacher value. */
export interface FeatureTarget {
  /** Graph output of the training graph: the adapter's output, or the student value itself. */
  readonly output: string;
  readonly teacher: string;
  readonly weight: number;
  /** Adapter weights in the training graph, [] when the widths already match. */
  readonly adapter: readonly string[];
}

function shapeOf(graph: Graph, typed: Graph, name: string): readonly Dim[] | undefined {
  return typed.valueInfo.get(name)?.shape ?? graph.inputs.find((i) => i.name === name)?.shape ?? typed.outputs.find((o) => o.name === name)?.shape;
}

function valueNames(graph: Graph): Set<string> {
  return new Set([...producers(graph).keys(), ...graph.inputs.map((i) => i.name)]);
}

/** Every pair whose names are not values of their graph, in one OptionError. */
export function checkFeatureNames(pairs: readonly FeaturePair[], student: Graph, teacher: Graph): void {
  const studentValues = valueNames(student);
  const teacherValues = valueNames(teacher);
  const problems: string[] = [];
  pairs.forEach((p, i) => {
    if (!p || typeof p.student !== "string" || typeof p.teacher !== "string") {
      problems.push(`features[${i}] must be { student: "valueName", teacher: "valueName" }, got ${JSON.stringify(p)}`);
      return;
    }
    if (!studentValues.has(p.student)) problems.push(`features[${i}].student "${p.student}" is not a value of the student graph "${student.name}"`);
    if (!teacherValues.has(p.teacher)) problems.push(`features[${i}].teacher "${p.teacher}" is not a value of the teacher graph "${teacher.name}"`);
    if (p.weight !== undefined && !(typeof p.weight === "number" && p.weight >= 0 && Number.isFinite(p.weight))) {
      problems.push(`features[${i}].weight must be a finite number ≥ 0, got ${JSON.stringify(p.weight)}`);
    }
  });
  if (problems.length > 0) {
    const examples = (g: Graph) => g.nodes.slice(0, 6).map((n) => `"${n.outputs[0]}"`).join(", ");
    throw new OptionError(
      `distill: ${problems.length} bad feature pair${problems.length > 1 ? "s" : ""}:\n  ${problems.join("\n  ")}\n` +
        `Student values include ${examples(student)}; teacher values include ${examples(teacher)}.`,
      { details: { problems } },
    );
  }
}

/**
 * The student graph with one extra output per pair (after its own outputs),
 * plus adapter nodes where the channel widths differ. Spatial dims and rank
 * must already agree.
 */
export function withFeatureOutputs(student: Graph, teacher: Graph, pairs: readonly FeaturePair[], seed: number): { graph: Graph; targets: FeatureTarget[] } {
  checkFeatureNames(pairs, student, teacher);
  const typedStudent = inferShapesWithReport(student).graph;
  const typedTeacher = inferShapesWithReport(teacher).graph;
  const next = seededRandom(seed ^ 0xada97e5);
  const edit = new GraphEdit(student);
  const targets: FeatureTarget[] = [];
  const problems: string[] = [];
  pairs.forEach((p, i) => {
    const s = shapeOf(student, typedStudent, p.student);
    const t = shapeOf(teacher, typedTeacher, p.teacher);
    const where = `features[${i}] (student "${p.student}" [${s?.join(", ") ?? "?"}], teacher "${p.teacher}" [${t?.join(", ") ?? "?"}])`;
    if (!s || !t || (s.length !== 2 && s.length !== 4) || s.length !== t.length) {
      problems.push(`${where}: both must be [N, C] or both [N, C, H, W] with known shapes`);
      return;
    }
    const sc = s[1];
    const tc = t[1];
    if (typeof sc !== "number" || typeof tc !== "number") {
      problems.push(`${where}: the channel dims must be known numbers`);
      return;
    }
    const spatialDiffers = s.slice(2).some((d, k) => typeof d !== "number" || d !== t[k + 2]);
    if (spatialDiffers) {
      problems.push(`${where}: spatial dims differ; pick values of equal height and width (a 1×1 adapter only maps channels)`);
      return;
    }
    const weight = p.weight ?? 1;
    if (sc === tc) {
      targets.push({ output: p.student, teacher: p.teacher, weight, adapter: [] });
      return;
    }
    // Uniform ±1/√fan_in, as the zoo initialises its layers.
    const bound = 1 / Math.sqrt(sc);
    const init = (n: number) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * bound);
    const base = `distill_adapter${i}`;
    const conv = s.length === 4;
    const w = edit.addInitializer(`${base}.weight`, float32(conv ? [tc, sc, 1, 1] : [tc, sc], init(tc * sc)));
    const b = edit.addInitializer(`${base}.bias`, float32([tc], init(tc)));
    const out = edit.freshName(`${base}_out`);
    edit.addNode({
      name: edit.freshName(base),
      opType: conv ? "Conv" : "Gemm",
      inputs: [p.student, w, b],
      outputs: [out],
      attributes: conv ? { kernel_shape: { type: "ints", value: [1, 1] } } : { transB: { type: "int", value: 1 } },
    });
    targets.push({ output: out, teacher: p.teacher, weight, adapter: [w, b] });
  });
  if (problems.length > 0) {
    throw new ShapeError(`distill: ${problems.length} feature pair${problems.length > 1 ? "s" : ""} cannot be compared:\n  ${problems.join("\n  ")}`, {
      details: { problems },
    });
  }
  const graph = withOutputs(edit.finish(), targets.map((t) => t.output));
  return { graph, targets };
}

/** The trained graph back in the student's form: its own outputs only, adapters gone. */
export function withoutFeatureOutputs(trained: Graph, student: Graph): Graph {
  const keep = new Set(student.outputs.map((o) => o.name));
  return pruneUnused({ ...trained, outputs: trained.outputs.filter((o) => keep.has(o.name)) });
}
