// The public surface of compactor: what `import … from "compactor"` gives, and
// what the Jupyter kernel and the REPL preload. Values first, then types.

export { Model, stepReportTable } from "./model.js";
export { load } from "./load.js";
export { models } from "./models/index.js";
export { evaluate } from "./evaluate.js";
export { display, clearOutput, plot, table, html, markdown, progress, liveCurve, toMimeBundle } from "./display/index.js";
export { requestInterrupt } from "./interrupt.js";
export * from "./errors.js";

export type { Backend, SaveReport } from "./model.js";
export type { Step, StepReport, StepResult, RecipeStep, Metrics } from "./step.js";
export type { EvalReport } from "./evaluate.js";
export type { Graph, Node, Tensor, ValueInfo, Attribute, DType } from "./graph/types.js";
export type { GraphSummary } from "./graph/counts.js";
export type { MimeBundle, DisplayHandle } from "./display/index.js";
