// Identity on wasm without a copy: the output shares the input's data, as
// Reshape on wasm and Identity on tfjs's cpu backend already do (the data is
// reference-counted, and no kernel writes into an input's memory). tfjs's
// wasm Identity copies, and training calls it for every activation the tape
// saves (the engine clones each saved tensor): 13 copies of 8 MB, 7 ms of
// ResNet-8's step. Strings keep tfjs's kernel's path.
import { tf } from "../tf.js";

interface SharingBackend {
  incRef(dataId: object): void;
  readSync(dataId: object): unknown;
}

export const identityConfig: tf.KernelConfig = {
  kernelName: "Identity",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const b = backend as unknown as SharingBackend;
    if (x.dtype === "string") return tf.tensor(b.readSync(x.dataId as object) as string[], x.shape, "string");
    b.incRef(x.dataId as object);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  },
};
