// ONNX as a registered format. ModelProto has no magic number; a protobuf
// message starts with a field tag, and every ONNX writer we know starts with
// one of ModelProto's own fields, so the first byte being one of those tags
// (with the right wire type) is the content test.
import type { FileFormat } from "../format.js";

// (field number << 3) | wire type for ModelProto's fields 1–8 and 14 (metadata_props).
const MODEL_PROTO_FIRST_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72]);

export const ONNX_FORMAT: FileFormat = {
  name: "onnx",
  description: "ONNX model (protobuf ModelProto)",
  kind: "model",
  extensions: [".onnx"],
  sniff: ({ bytes, isDirectory }) => !isDirectory && bytes.length > 1 && MODEL_PROTO_FIRST_TAGS.has(bytes[0]!),
  readModel: async (path) => (await import("./index.js")).readOnnx(path),
  writeModel: async (graph, path) => (await import("./index.js")).writeOnnx(graph, path),
};
