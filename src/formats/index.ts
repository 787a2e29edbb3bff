// The formats' public surface: bytes and files in, Graph or tensors out, and back.
export { decodeModel, decodeTensor, encodeModel, encodeTensor, readOnnx, writeOnnx } from "./onnx/index.js";
export { decodeNpy, encodeNpy, readNpy, writeNpy } from "./numpy/npy.js";
export { decodeNpz, encodeNpz, readNpz, writeNpz } from "./numpy/npz.js";
export { FORMATS, detectFormat, formatByExtension, formatNamed, formatNames, readModelFile } from "./registry.js";
export type { FileFormat, FileHead, FormatKind } from "./format.js";
