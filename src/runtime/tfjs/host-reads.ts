// Whether the active backend can read a tensor's values synchronously.
// tfjs-backend-webgpu's dataSync copies through an OffscreenCanvas, which Node
// does not have, so under Node every synchronous read on webgpu throws; code
// that must read values (constant folding, exportGraph) reads with data() there.
import { tf } from "./tf.js";

const ASYNC_ONLY: ReadonlySet<string> = new Set(["webgpu"]);

export function readsSynchronously(): boolean {
  return !ASYNC_ONLY.has(tf.getBackend());
}
