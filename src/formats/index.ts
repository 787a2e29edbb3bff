// The formats' public surface: bytes and files in, Graph or tensors out, and back.
export { decodeModel, decodeTensor, encodeModel, encodeTensor, readOnnx, writeOnnx } from "./onnx.js";
export { decodeNpy, encodeNpy, readNpy, writeNpy } from "./npy.js";
export { decodeNpz, encodeNpz, readNpz, writeNpz } from "./npz.js";
