// The Graph IR's public surface.
export type { Attribute, AttributeType, DType, DTypeStorage, Dim, Graph, ModelMeta, Node, Tensor, TensorData, ValueInfo } from "./types.js";
export { DEFAULT_META, DTYPES, onnxOpset } from "./types.js";
export { BYTES_PER_ELEMENT, allocate, float32, int64, makeTensor, numElements, toNumbers } from "./tensor.js";
export { DTYPE_FROM_ONNX, ONNX_FROM_DTYPE } from "./onnx-dtype.js";
export { attrFloat, attrInt, attrInts, attrString, attrTensor } from "./attributes.js";
export { consumers, nodeDependencies, producers, topologicalSort } from "./topo.js";
export { graphProblems, validateGraph } from "./validate.js";
export type { InferContext, ShapeReport, ShapeRule, UnknownOp, ValueFacts } from "./shape-inference/index.js";
export { inferShapes, inferShapesWithReport, shapeRuleFor } from "./shape-inference/index.js";
export type { GraphSummary, LayerSummary, ValueSummary } from "./counts.js";
export { summarize } from "./counts.js";
export { MAC_OPS } from "./macs.js";
export { pruneUnused, withOutputs } from "./extract.js";
export { GraphEdit, editGraph } from "./edit.js";
export type { FinishOptions, NewNode } from "./edit.js";
export type { AttributeInput, NodeOptions } from "./builder.js";
export { GraphBuilder, attr, toAttribute } from "./builder.js";
