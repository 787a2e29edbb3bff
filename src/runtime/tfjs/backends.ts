// Picks and starts a tfjs backend. "auto" tries the fastest first and reports
// what it got and why each faster one was not used; `device: "gpu"` only
// accepts a GPU backend and otherwise fails listing every attempt.
//
// The optional backends are imported dynamically by a computed specifier so
// installs without them compile and run: @tensorflow/tfjs-node(-gpu) (native
// TensorFlow; their installers download libtensorflow) and the `webgpu`
// package (Dawn) that provides `navigator.gpu` under Node.
//
// WASM threads under Node (measured here, tfjs-backend-wasm 4.22, Node 20):
// the backend reports WASM_HAS_MULTITHREAD_SUPPORT = false whenever IS_NODE,
// so it loads tfjs-backend-wasm-simd.wasm and runs on one thread. Forcing the
// flag true (plus setThreadsCount(2)) makes it load the threaded build, whose
// Emscripten pthread pool starts Workers from a `blob:` URL; Node's
// worker_threads refuses that (ERR_WORKER_PATH) and initialization fails. So
// `wasm` is single-threaded under Node; using both cores needs data-parallel
// worker threads, each with its own wasm instance (see the training code).
import { tf } from "./tf.js";
import { BackendError, OptionError, mustBeOneOf } from "../../core/errors.js";
import { activate, firstLine, importOptional } from "./activate.js";
import { startWebGpu } from "./webgpu/start.js";

/** Backend choices, fastest first as "auto" tries them. */
export const BACKENDS = ["auto", "tfjs-node-gpu", "tfjs-node", "webgpu", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const DEVICES = ["auto", "cpu", "gpu"] as const;
export type Device = (typeof DEVICES)[number];

export interface BackendAttempt {
  readonly backend: string;
  /** Why it could not be used; absent for the one that started. */
  readonly error?: string;
}

export interface BackendInfo {
  /** The choice that started (one of BACKENDS, never "auto"). */
  readonly backend: Exclude<BackendChoice, "auto">;
  /** tfjs's own name for it ("wasm", "cpu", "webgpu", "tensorflow"). */
  readonly tfjsName: string;
  /** GPU adapter or device description; for webgpu on a software adapter, its name and "(software)". */
  readonly adapter?: string;
  /** Whether it runs on a GPU (false for webgpu on a software adapter). */
  readonly gpu: boolean;
  /** Every backend tried, in order, with the reason each failed. */
  readonly tried: BackendAttempt[];
}

type Concrete = Exclude<BackendChoice, "auto">;
const GPU_BACKENDS: readonly Concrete[] = ["tfjs-node-gpu", "webgpu"];
const CPU_BACKENDS: readonly Concrete[] = ["tfjs-node", "wasm", "cpu"];

interface Started {
  readonly tfjsName: string;
  readonly gpu: boolean;
  readonly adapter?: string;
}

/**
 * Starts one backend or throws with the reason. `allowSoftware`: webgpu may
 * run on a software adapter (only when webgpu was asked for by name).
 */
type Starter = (context: { readonly allowSoftware: boolean }) => Promise<Started>;

async function startNative(gpuBuild: boolean): Promise<Started> {
  const pkg = gpuBuild ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  try {
    await importOptional(pkg);
  } catch (e) {
    throw new Error(`${pkg} is not installed or failed to load (${firstLine(e)}); it is an optional dependency: npm install ${pkg}`);
  }
  await activate("tensorflow");
  const binding = (tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } }).binding;
  const onGpu = binding?.isUsingGpuDevice?.() ?? false;
  if (gpuBuild && !onGpu) throw new Error(`${pkg} loaded but TensorFlow found no usable CUDA GPU`);
  return { tfjsName: "tensorflow", gpu: onGpu, adapter: onGpu ? "CUDA (native TensorFlow)" : undefined };
}

async function startWasm(): Promise<Started> {
  // Under Node the package's node build (its "main") loads
  // tfjs-backend-wasm-simd.wasm from its own dist/ folder in node_modules, so
  // no setWasmPaths is needed (and calling it after init throws).
  await import("@tensorflow/tfjs-backend-wasm");
  await activate("wasm");
  if (!(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))) {
    throw new Error("this Node's WebAssembly lacks SIMD; tfjs wasm would run several times slower");
  }
  return { tfjsName: "wasm", gpu: false };
}

async function startCpu(): Promise<Started> {
  await import("@tensorflow/tfjs-backend-cpu");
  await activate("cpu");
  return { tfjsName: "cpu", gpu: false };
}

const STARTERS: Readonly<Record<Concrete, Starter>> = Object.freeze({
  "tfjs-node-gpu": () => startNative(true),
  "tfjs-node": () => startNative(false),
  webgpu: startWebGpu,
  wasm: startWasm,
  cpu: startCpu,
});

function candidates(choice: BackendChoice, device: Device): readonly Concrete[] {
  if (choice !== "auto") {
    const isGpu = GPU_BACKENDS.includes(choice);
    if ((device === "gpu" && !isGpu) || (device === "cpu" && isGpu)) {
      throw new OptionError(
        `backend "${choice}" does not run on device "${device}": use backend "auto" with device "${device}", ` +
          `or one of [${(device === "gpu" ? GPU_BACKENDS : CPU_BACKENDS).join(", ")}]`,
        { details: { backend: choice, device } },
      );
    }
    return [choice];
  }
  if (device === "gpu") return GPU_BACKENDS;
  if (device === "cpu") return CPU_BACKENDS;
  return BACKENDS.filter((b): b is Concrete => b !== "auto");
}

/**
 * Starts a tfjs backend. The default is `wasm` (SIMD, one thread under Node):
 * ~30× faster than `cpu` for matmul. "auto" tries tfjs-node-gpu, tfjs-node,
 * webgpu (on a GPU adapter only), wasm, cpu in that order; `device: "gpu"`
 * only the GPU ones. `"webgpu"` by name also accepts a software adapter
 * (lavapipe, SwiftShader), reported with `gpu: false`.
 */
export async function initBackend(choice: BackendChoice = "wasm", options: { device?: Device } = {}): Promise<BackendInfo> {
  if (!BACKENDS.includes(choice)) throw mustBeOneOf("backend", choice, BACKENDS);
  const device = options.device ?? "auto";
  if (!DEVICES.includes(device)) throw mustBeOneOf("device", device, DEVICES);
  const tried: BackendAttempt[] = [];
  // Only a request for webgpu by name may land on a software adapter: "auto"
  // must not prefer lavapipe to wasm, and device "gpu" means a GPU.
  const allowSoftware = choice === "webgpu" && device !== "gpu";
  for (const backend of candidates(choice, device)) {
    try {
      const started = await STARTERS[backend]({ allowSoftware });
      if (device === "gpu" && !started.gpu) throw new Error(`${backend} started but is not on a GPU`);
      tried.push({ backend });
      return { backend, ...started, tried };
    } catch (e) {
      tried.push({ backend, error: firstLine(e) });
    }
  }
  const lines = tried.map((t) => `  ${t.backend}: ${t.error}`).join("\n");
  const what = device === "gpu" ? "no GPU backend could start" : `backend "${choice}" could not start`;
  throw new BackendError(
    `${what}; tried:\n${lines}\n` +
      (device === "gpu"
        ? `Install @tensorflow/tfjs-node-gpu (CUDA) or the "webgpu" package (Dawn, which needs libvulkan1 and the GPU's Vulkan driver) ` +
          `on a machine with a GPU, or use device "cpu"; scripts/gpu-check.sh reports what a machine lacks.`
        : `Use backend "auto" to fall back to another backend.`),
    { details: { tried } },
  );
}
