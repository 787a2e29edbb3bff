// Weights onto a graph: a state_dict (PyTorch, safetensors, .npz) into an ONNX
// graph exported from the same architecture. Not a file format, so it lives
// beside formats/ rather than in it: formats read the two files, this joins them.
export { weightsOntoGraph, MATCH_KINDS } from "./map.js";
export type { MappingRow, MatchKind, WeightsOntoGraphOptions, WeightsOntoGraphResult } from "./map.js";
export { mappingTable } from "./report.js";
