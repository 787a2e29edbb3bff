// A Cast kernel for webgpu that really converts int32 and bool to float32.
// tfjs-backend-webgpu 4.22 treats those casts as lossless and returns the same
// buffer with the dtype relabelled, but webgpu stores int32 and bool as i32
// (webgl stores everything as float, where the trick is sound). Kernels that
// read their input through tfjs's typed getters cope; those that index the raw
// array do not: Sum and Mean transpose first, and TransposeProgram's WGSL then
// fails to compile ("expected 'f32', got 'i32'"), leaving garbage in the
// output (the transformer fixture's masked mean: relative error 1.0). Every
// other cast goes to the backend's own kernel.
import { tf } from "../tf.js";

/** The parts of tfjs's WebGPUBackend this kernel uses. */
interface WebGpuBackendLike {
  tensorMap: { get(dataId: object): { values: ArrayLike<number> | null; resource: unknown; dtype: string } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], outputDtype: tf.DataType): tf.TensorInfo;
}

const WORKGROUP = 64;

/** One thread per element: result[i] = f32(A[i]), reading the i32 storage as what it is. */
function toFloatProgram(shape: number[]): object {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ["A"],
    outputShape: shape,
    shaderKey: "compactor_i32_to_f32",
    size: true,
    workgroupSize: [WORKGROUP, 1, 1],
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, f32(A[index]));
        }
      }`,
  };
}

/** Replaces webgpu's Cast (once); the original handles everything but int32/bool → float32. */
export function registerWebGpuCast(): void {
  const original = tf.getKernel("Cast", "webgpu");
  if (!original || (original as { compactor?: boolean }).compactor) return;
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    if (dtype !== "float32" || (x.dtype !== "int32" && x.dtype !== "bool")) return original.kernelFunc(args);
    const backend = args.backend as unknown as WebGpuBackendLike;
    if (x.shape.some((d) => d === 0)) return backend.makeTensorInfo([...x.shape], "float32", new Float32Array(0));
    const data = backend.tensorMap.get(x.dataId);
    // Values still on the host (not uploaded yet): convert there.
    if (data.resource == null && data.values != null) return backend.makeTensorInfo([...x.shape], "float32", Float32Array.from(data.values));
    return backend.runWebGPUProgram(toFloatProgram([...x.shape]), [x], "float32");
  };
  tf.unregisterKernel("Cast", "webgpu");
  tf.registerKernel({ ...original, kernelFunc, compactor: true, replaced: original.kernelFunc } as tf.KernelConfig);
}
