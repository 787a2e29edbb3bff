// Copies a float32 tensor's values into a caller's array (data-parallel
// training's shared regions). On wasm it reads the heap in place: one memcpy,
// where dataSync() would first allocate and fill a fresh copy (measured ~12 ms
// vs ~3 ms for 2.4M floats on the 2-core dev machine).
import { tf } from "./tf.js";

interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export function copyTensorInto(tensor: tf.Tensor, target: Float32Array): void {
  if (tensor.dtype !== "float32" || tensor.size !== target.length) {
    throw new Error(`copyTensorInto: a float32 tensor of ${target.length} values is needed, got ${tensor.dtype} [${tensor.shape.join(", ")}]`);
  }
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  if (tf.getBackend() === "wasm" && typeof backend.typedArrayFromHeap === "function") {
    target.set(backend.typedArrayFromHeap({ dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype }));
  } else {
    target.set(tensor.dataSync() as Float32Array);
  }
}
