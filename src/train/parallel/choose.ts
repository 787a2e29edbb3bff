// How many shards (threads) a training run uses. "auto" picks 2 only where it
// pays: on wasm (one thread per instance under Node), with a second core, with
// the default loss (a function cannot be sent to a worker), and with a step big
// enough that the per-step copies and the worker start-up are small beside it.
import { availableParallelism } from "node:os";
import { OptionError } from "../../core/errors.js";
import { cpuFeatures } from "../../core/cpu-features.js";
import { nativeGemmAvailable } from "../../runtime/native-gemm.js";
import { workerScript } from "./coordinator.js";

/**
 * Below these the step is too small to split. Measured on the 2-core dev
 * machine (issue 4 report, load 4–6): starting a worker (thread, wasm,
 * compiling the graph) took 2.8–4.8 s, and on models of 0.1M and 0.27M
 * parameters (batch 128, 20–50 ms steps) two threads did not beat one; the MLP
 * 784-1200-1200-10 (2.4M parameters, ~170 ms steps idle) is what gains. The
 * unit tests' models (≤ ~60k parameters, LeNet-5 included) stay on one thread.
 */
export const AUTO_MIN_PARAMETERS = 1_000_000;
/**
 * Or a step this heavy (forward multiply-adds of one batch): a conv net with
 * few parameters and large activations (the ResNet-8 student: 78k parameters,
 * 1.3 G MACs per batch-128 forward, ~750 ms per step) splits too, while
 * LeNet-5 (54 M, ~30 ms steps) does not.
 */
export const AUTO_MIN_STEP_MACS = 500_000_000;
export const AUTO_MIN_BATCH = 32;

/**
 * Logical CPUs "auto" needs before it splits where /proc/cpuinfo gives no
 * core ids. Two logical CPUs are often two hyperthreads of one core, which
 * share its SIMD units: on a 2-vCPU machine built so, two concurrent
 * single-thread PyTorch matmuls each ran at half speed (130 → 68 GFLOP/s) and
 * our 2 threads measured 5–10% slower than 1 (BENCHMARKS.md, Training
 * throughput). Where core ids tell two real cores apart, 2 logical CPUs
 * suffice: on a 2-core machine (1 thread per core) the MLP trained 1.47×
 * faster on 2 workers (BENCHMARKS.md, issue 14). `workers: 2` forces it.
 */
export const AUTO_MIN_CPUS = 4;

/** What "auto" reads about the machine (a parameter so tests can pose other machines). */
export interface MachineCores {
  readonly logical: number;
  /** Distinct physical cores, where cpuinfo says (cpuFeatures().physicalCores). */
  readonly physical?: number;
}

export function thisMachine(): MachineCores {
  const physical = cpuFeatures().physicalCores;
  return { logical: availableParallelism(), ...(physical !== undefined ? { physical } : {}) };
}

/** Whether a second thread gets a core of its own: two physical cores within this process's CPUs, or ≥ AUTO_MIN_CPUS logical ones when cores are unknown. */
export function hasSecondCore(m: MachineCores): boolean {
  return m.physical !== undefined ? Math.min(m.physical, m.logical) >= 2 : m.logical >= AUTO_MIN_CPUS;
}

/** Backends a worker thread can run: the CPU ones that use one thread per instance. */
export const WORKER_BACKENDS = ["wasm", "cpu"] as const;

export interface WorkerChoice {
  readonly workers: number;
  /** Why "auto" chose 1, when it did. */
  readonly reason?: string;
}

export function chooseWorkers(request: {
  readonly workers: number | "auto";
  readonly backend: string;
  readonly parameters: number;
  /** Forward multiply-adds of one sample (summarize(graph).macs), where known; a function is called only when "auto" gets that far. */
  readonly macsPerSample?: number | (() => number | undefined);
  readonly batchSize: number;
  readonly customLoss: boolean;
  /** Whether dense products run on onnxruntime's native GEMM (default: nativeGemmAvailable(), asked only when "auto" gets that far). */
  readonly nativeGemm?: boolean;
}, machine: MachineCores = thisMachine()): WorkerChoice {
  const { workers, backend, parameters, batchSize, customLoss } = request;
  const built = workerScript() !== undefined;
  if (workers !== "auto") {
    if (workers === 1) return { workers };
    const problems: string[] = [];
    if (customLoss) problems.push("a custom loss function cannot be sent to a worker thread; use workers: 1 (\"auto\" picks 1 for custom losses)");
    if (!(WORKER_BACKENDS as readonly string[]).includes(backend)) {
      problems.push(`backend "${backend}" does not run on worker threads (only ${WORKER_BACKENDS.join(", ")} do); use workers: 1`);
    }
    if (!built) problems.push("the training worker is not built: run `npm run build` (it compiles dist/src/train/parallel/worker.js)");
    if (problems.length > 0) throw new OptionError(`train: workers: ${workers}: ${problems.join("; ")}`, { details: { workers, backend, problems } });
    return { workers };
  }
  if (customLoss) return { workers: 1, reason: "custom loss function" };
  if (backend !== "wasm") return { workers: 1, reason: `backend ${backend}` };
  if (!hasSecondCore(machine)) {
    return {
      workers: 1,
      reason: machine.physical !== undefined ? `one physical core (${machine.logical} logical CPUs)` : `fewer than ${AUTO_MIN_CPUS} logical CPUs and no core ids to tell cores from hyperthreads`,
    };
  }
  const perSample = typeof request.macsPerSample === "function" ? request.macsPerSample() : request.macsPerSample;
  const stepMacs = (perSample ?? 0) * batchSize;
  if ((parameters < AUTO_MIN_PARAMETERS && stepMacs < AUTO_MIN_STEP_MACS) || batchSize < AUTO_MIN_BATCH) {
    return {
      workers: 1,
      reason: `step too small (${parameters} parameters, ${stepMacs} MACs per batch, batch ${batchSize}; needs ≥ ${AUTO_MIN_PARAMETERS} parameters or ≥ ${AUTO_MIN_STEP_MACS} MACs, and batch ≥ ${AUTO_MIN_BATCH})`,
    };
  }
  // A step split for its parameters alone is dense products, which onnxruntime's
  // GEMM already runs on every core: measured on 2 cores (BENCHMARKS.md, issue
  // 14), the MLP ran 3,944 samples/s on one thread and 2,990 on two workers.
  if (stepMacs < AUTO_MIN_STEP_MACS && (request.nativeGemm ?? nativeGemmAvailable())) {
    return { workers: 1, reason: "onnxruntime's native GEMM already runs the dense products on every core" };
  }
  if (!built) {
    const reason = "the training worker is not built (run `npm run build` to compile dist/src/train/parallel/worker.js)";
    console.warn(`compactor train: workers "auto" uses 1 thread: ${reason}`);
    return { workers: 1, reason };
  }
  return { workers: 2 };
}
