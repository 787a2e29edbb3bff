// Worker thread of data-parallel training: its own tfjs instance on its own
// thread (wasm runs one thread per instance under Node), the graph compiled
// here, and per step: mirror the published weights, compute the gradients of
// its shard, write them to its shared region, report. Started by
// coordinator.ts from the compiled file under dist/.
import { parentPort } from "node:worker_threads";
import { tf } from "../../runtime/tfjs/tf.js";
import { initBackend, type BackendChoice } from "../../runtime/tfjs/backends.js";
import { nativeGemmThreads, setNativeGemmThreads } from "../../runtime/native-gemm.js";
import { compile } from "../../runtime/tfjs/compile.js";
import { copyTensorInto } from "../../runtime/tfjs/copy-into.js";
import { modelIO, type ModelIO } from "../preflight.js";
import { shardGradients } from "../gradients.js";
import { view } from "./layout.js";
import type { FromWorker, InitMessage, StepMessage, ToWorker } from "./protocol.js";
import type { TrainableModel } from "../compiled.js";

interface Session {
  readonly init: InitMessage;
  readonly model: TrainableModel;
  readonly io: ModelIO;
  readonly trainable: ReadonlyMap<string, tf.Variable>;
}

let session: Session | undefined;
const port = parentPort!;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on("message", (message: ToWorker) => {
  handle(message).catch((e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", message: error.message, stack: error.stack });
  });
});

async function handle(message: ToWorker): Promise<void> {
  if (message.type === "init") {
    await initBackend(message.backend as BackendChoice);
    setNativeGemmThreads(message.nativeGemmThreads);
    const names = new Set(message.gradRegions.map((r) => r.name));
    const model = await compile(message.graph, { training: true, trainable: (name) => names.has(name) });
    const trainable = new Map<string, tf.Variable>();
    for (const { name } of message.gradRegions) {
      const v = model.variables.get(name);
      if (v === undefined) throw new Error(`worker ${message.index}: the compiled graph has no variable "${name}"`);
      v.trainable = true;
      trainable.set(name, v);
    }
    for (const [name, v] of model.variables) if (!names.has(name)) v.trainable = false;
    session = { init: message, model, io: modelIO(message.graph), trainable };
    post({ type: "ready", nativeGemmThreads: nativeGemmThreads() });
    return;
  }
  if (session === undefined) throw new Error("step before init");
  await step(session, message);
}

async function step({ init, model, io, trainable }: Session, message: StepMessage): Promise<void> {
  const t0 = performance.now();
  tf.tidy(() => {
    for (const region of init.weightRegions) {
      const v = model.variables.get(region.name)!;
      v.assign(tf.tensor(view(init.weights, region), v.shape, "float32"));
    }
  });
  const t1 = performance.now();
  const batch = { x: { dtype: "float32" as const, dims: message.dims, data: message.x }, y: message.y };
  const result = await shardGradients(model, io, trainable, batch, message.seed, undefined, message.scale);
  const t2 = performance.now();
  const missing: string[] = [];
  const state: [string, Float32Array][] = [];
  try {
    for (const region of init.gradRegions) {
      const g = result.grads.get(region.name);
      if (g === undefined) missing.push(region.name);
      else copyTensorInto(g, view(init.grads, region));
    }
    // A copy with a buffer of its own, so it can be transferred.
    for (const [name, t] of result.state) state.push([name, new Float32Array((await t.data()) as Float32Array)]);
  } finally {
    tf.dispose([...result.grads.values(), ...result.state.values()]);
  }
  // Publishes the gradient writes above to the main thread's Atomics.load.
  Atomics.store(init.control, init.index, message.step + 1);
  const t3 = performance.now();
  post(
    {
      type: "done",
      step: message.step,
      loss: result.loss,
      correct: result.correct,
      missing,
      state,
      timing: { copyInMs: t1 - t0, computeMs: t2 - t1, copyOutMs: t3 - t2 },
    },
    state.map(([, a]) => a.buffer as ArrayBuffer),
  );
}
