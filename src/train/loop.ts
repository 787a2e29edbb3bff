// The training loop over a compiled graph: batches → forward in training mode
// → loss → gradients → optimizer update → BatchNorm state write-back, with
// checks before the first step, a NaN guard, cooperative interruption between
// batches, validation after each epoch and a live view.
import { tf } from "../runtime/tfjs/tf.js";
import { TrainingError } from "../core/errors.js";
import { interruptRequested } from "../core/interrupt.js";
import type { Graph } from "../graph/types.js";
import type { TrainableModel } from "./compiled.js";
import type { Batch, TrainData } from "./data.js";
import { checkBatch, modelIO, trainableNames, type ModelIO } from "./preflight.js";
import { createOptimizer, type Optimizer } from "./optimizers.js";
import { learningRate } from "./schedule.js";
import { crossEntropy, countCorrect } from "./loss.js";
import { disposeGradients, dropoutSeed, shardGradients, type ShardGradients } from "./gradients.js";
import { chooseWorkers } from "./parallel/choose.js";
import { summarize } from "../graph/counts.js";

/** Forward MACs of one sample, or undefined where the graph's shapes do not say (then only parameters decide). */
function stepMacsPerSample(graph: Graph): number | undefined {
  try {
    return summarize(graph).macs;
  } catch {
    return undefined;
  }
}
import { ParallelTrainer } from "./parallel/coordinator.js";
import { shiftImages } from "./augment.js";
import { seededRandom } from "./random.js";
import { trainingView, type TrainingView } from "./live.js";
import { checkpointPath, readCheckpoint, restore, runFingerprint, snapshot, writeCheckpoint, type CheckpointPosition } from "./checkpoint.js";
import type { BatchRecord, EpochRecord, ResolvedOptions, TrainMetrics } from "./options.js";
import { maskedTraining } from "./masks.js";
import type { ScheduledUpdate, WeightMasks } from "../model/sparsity.js";

export interface TrainResult {
  readonly graph: Graph;
  readonly metrics: TrainMetrics;
  readonly history: EpochRecord[];
  /** The pruning masks after the run (ONNX layout), when the run had masks or a schedule. */
  readonly masks?: WeightMasks;
  /** The mask updates a gradual schedule made. */
  readonly pruningUpdates?: readonly ScheduledUpdate[];
}

/** Live tensors after each epoch, for leak checks (tests read it from the history). */
export type EpochRecordWithTensors = EpochRecord & { readonly tensors: number };

export async function trainCompiled(
  graph: Graph,
  model: TrainableModel,
  options: ResolvedOptions,
  backend: string,
  label = "train",
): Promise<TrainResult> {
  const io = modelIO(graph);
  const variables = selectTrainable(graph, model, options);
  const optimizer = createOptimizer(options);
  const data = options.data;
  const stepsPerEpoch = Math.ceil(data.length / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const schedule = { lr: options.lr, schedule: options.schedule, warmupSteps: options.warmupSteps, stepsPerEpoch, totalSteps };
  // Counted, so a resumed run can draw as many numbers as the run it continues had.
  const shiftSource = seededRandom(options.seed ^ 0x5eed);
  let shiftDraws = 0;
  const shiftRandom = () => (shiftDraws++, shiftSource());
  const view = options.display ? trainingView({ totalSamples: data.length * options.epochs, label }) : undefined;

  let history: EpochRecordWithTensors[] = [];
  const started = performance.now();
  let trainSeconds = 0;
  let samplesSeen = 0;
  let step = 0;
  let interrupted = false;
  let parallel: ParallelTrainer | undefined;
  if (options.checkpoint && options.pruning?.schedule) {
    // The schedule's masks change during the run and are not in the checkpoint: a resumed run would prune differently.
    throw new TrainingError("checkpoint cannot be used with a gradual pruning schedule yet (its masks are not checkpointed); train without checkpoint, or prune first and then train with it");
  }
  // Masked weights stay zero: masks are applied now and after every optimizer update.
  const masked = maskedTraining(model, options.pruning, totalSteps);
  let masks: WeightMasks | undefined;
  // Where a resumed run picks up: epoch, batches of it already done and their sums.
  let resume = { epoch: 1, batch: 0, lossSum: 0, correct: 0, count: 0 };
  let resumedAtStep: number | null = null;
  let finished = false;
  const fingerprint = options.checkpoint ? runFingerprint(graph, options) : "";
  const path = options.checkpoint ? checkpointPath(options.checkpoint, label, fingerprint) : undefined;
  const saveCheckpoint = async (position: CheckpointPosition) => {
    if (path !== undefined) await writeCheckpoint(path, fingerprint, { position, ...(await snapshot(model, optimizer)) });
  };
  try {
    const saved = path === undefined ? undefined : await readCheckpoint(path, fingerprint);
    if (saved !== undefined) {
      restore(path!, model, optimizer, variables, saved);
      const p = saved.position;
      ({ step, samplesSeen, trainSeconds } = p);
      history = [...p.history];
      resume = { epoch: p.epoch, batch: p.batch, lossSum: p.lossSum, correct: p.correct, count: p.count };
      while (shiftDraws < p.shiftDraws) shiftRandom();
      resumedAtStep = step;
      finished = p.complete;
    }
    // After a restore too: the masks hold for the restored weights as for the starting ones.
    masked?.apply();
    parallel = await startParallel(graph, model, io, variables, options, backend);
    for (let epoch = resume.epoch; epoch <= options.epochs && !interrupted; epoch++) {
      const epochStart = performance.now();
      const resumed = epoch === resume.epoch;
      let lossSum = resumed ? resume.lossSum : 0;
      let correct = resumed ? resume.correct : 0;
      let count = resumed ? resume.count : 0;
      let batchIndex = -1;
      const position = (batch: number): CheckpointPosition => ({
        epoch, batch, step, samplesSeen, trainSeconds: trainSeconds + (performance.now() - epochStart) / 1000,
        lossSum, correct, count, shiftDraws, history, complete: false,
      });
      let lr = learningRate(step, schedule);
      for await (const batch of data.shuffle(options.seed * 7919 + epoch).batches(options.batchSize)) {
        batchIndex++;
        if (resumed && batchIndex < resume.batch) continue;
        // Let interrupt messages (kernel, SIGINT) in before deciding to go on.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (interruptRequested()) {
          interrupted = true;
          await saveCheckpoint(position(batchIndex));
          break;
        }
        checkBatch(batch, io, `${label}, epoch ${epoch}, step ${step}`);
        const x = options.augment && options.augment.shift > 0 ? { ...batch, x: shiftImages(batch.x, options.augment.shift, shiftRandom) } : batch;
        lr = learningRate(step, schedule);
        const result = await trainStep(model, io, variables, optimizer, x, options, step, lr, epoch, parallel);
        masked?.afterStep(step);
        const n = batch.y.length;
        lossSum += result.loss * n;
        correct += result.correct;
        count += n;
        samplesSeen += n;
        const record: BatchRecord = { epoch, step, loss: result.loss, accuracy: result.correct / n, lr };
        options.onBatch?.(record);
        view?.batch(record, n, stepsPerEpoch);
        step++;
        if (options.checkpoint && step % options.checkpoint.every === 0) await saveCheckpoint(position(batchIndex + 1));
      }
      trainSeconds += (performance.now() - epochStart) / 1000;
      if (count === 0) break;
      const validation = options.validation && !interrupted ? await evaluate(model, io, options.validation, options.batchSize) : undefined;
      const seconds = (performance.now() - epochStart) / 1000;
      const record: EpochRecordWithTensors = {
        epoch,
        loss: lossSum / count,
        accuracy: correct / count,
        ...(validation ? { validationLoss: validation.loss, validationAccuracy: validation.accuracy } : {}),
        lr,
        seconds,
        samplesPerSec: (resumed ? count - resume.count : count) / seconds,
        tensors: tf.memory().numTensors,
      };
      history.push(record);
      options.onEpoch?.(record);
      view?.epoch(record, options.epochs);
    }
    if (!interrupted && !finished) {
      await saveCheckpoint({ epoch: options.epochs + 1, batch: 0, step, samplesSeen, trainSeconds, lossSum: 0, correct: 0, count: 0, shiftDraws, history, complete: true });
    }
    masks = masked?.exportMasks();
  } finally {
    optimizer.dispose();
    masked?.dispose();
    await parallel?.close();
  }

  const last = history[history.length - 1];
  const metrics: TrainMetrics = {
    loss: last?.loss ?? Number.NaN,
    accuracy: last?.accuracy ?? Number.NaN,
    validationLoss: last?.validationLoss ?? null,
    validationAccuracy: last?.validationAccuracy ?? null,
    samplesPerSec: trainSeconds > 0 ? samplesSeen / trainSeconds : 0,
    seconds: (performance.now() - started) / 1000,
    backend,
    epochs: history.length,
    steps: step,
    interrupted,
    workers: parallel?.workers ?? 1,
    resumedAtStep,
  };
  view?.done(
    `${resumedAtStep !== null ? `resumed at step ${resumedAtStep} · ` : ""}${interrupted ? "interrupted · " : ""}loss ${metrics.loss.toFixed(4)} · acc ${(metrics.accuracy * 100).toFixed(2)}%` +
      (metrics.validationAccuracy !== null ? ` · test acc ${(metrics.validationAccuracy * 100).toFixed(2)}%` : ""),
  );
  return { graph: await model.exportGraph(), metrics, history, ...(masked && masks ? { masks, pruningUpdates: masked.updates } : {}) };
}

function selectTrainable(graph: Graph, model: TrainableModel, options: ResolvedOptions): Map<string, tf.Variable> {
  const names = trainableNames(graph, options.freeze);
  const variables = new Map<string, tf.Variable>();
  for (const [name, variable] of model.variables) {
    // variableGrads only differentiates trainable variables: make the flag match our choice.
    variable.trainable = names.has(name);
    if (variable.trainable) variables.set(name, variable);
  }
  if (variables.size === 0) {
    throw new TrainingError(
      `nothing to train in graph "${graph.name}": every float initializer is frozen or is BatchNorm state` +
        (options.freeze?.length ? ` (freeze: ${JSON.stringify(options.freeze)})` : ""),
    );
  }
  return variables;
}

/** Starts worker threads when the workers option asks for more than one (see parallel/choose.ts). */
async function startParallel(
  graph: Graph,
  model: TrainableModel,
  io: ModelIO,
  variables: ReadonlyMap<string, tf.Variable>,
  options: ResolvedOptions,
  backend: string,
): Promise<ParallelTrainer | undefined> {
  const parameters = [...variables.values()].reduce((n, v) => n + v.size, 0);
  // Counting MACs infers shapes: chooseWorkers calls this only when "auto" gets to the step-size test.
  const macsPerSample = () => stepMacsPerSample(graph);
  const { workers } = chooseWorkers({ workers: options.workers ?? "auto", backend, parameters, macsPerSample, batchSize: options.batchSize, customLoss: options.loss !== undefined });
  if (workers === 1) return undefined;
  return ParallelTrainer.start({ graph, model, io, variables, workers, backend, seed: options.seed });
}

async function trainStep(
  model: TrainableModel,
  io: ModelIO,
  variables: ReadonlyMap<string, tf.Variable>,
  optimizer: Optimizer,
  batch: Batch,
  options: ResolvedOptions,
  step: number,
  lr: number,
  epoch: number,
  parallel: ParallelTrainer | undefined,
): Promise<{ loss: number; correct: number }> {
  const custom = options.loss;
  const computed: ShardGradients = parallel
    ? await parallel.step(batch, step)
    : await shardGradients(model, io, variables, batch, dropoutSeed(options.seed, step, 0), custom ? (outputs) => custom(outputs, batch, step) : undefined);
  try {
    const loss = computed.loss;
    if (!Number.isFinite(loss)) {
      throw new TrainingError(
        `loss became ${loss} at epoch ${epoch}, step ${step} (learning rate ${lr.toPrecision(3)}). ` +
          `Lower lr (e.g. ${(lr / 10).toPrecision(2)}), add warmupSteps, or check the data for NaN/Inf values; ` +
          `the weights were not updated by this step.`,
        { details: { epoch, step, lr, loss } },
      );
    }
    optimizer.step(variables, Object.fromEntries(computed.grads), lr);
    for (const [name, next] of computed.state) {
      const target = model.variables.get(name);
      if (target === undefined) throw new Error(`compiled graph reported state for "${name}", which is not one of its variables`);
      target.assign(next);
    }
    return { loss, correct: computed.correct };
  } finally {
    disposeGradients(computed);
  }
}

/** Cross-entropy and accuracy of the model in inference mode. */
export async function evaluate(model: TrainableModel, io: ModelIO, data: TrainData, batchSize: number): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for await (const batch of data.batches(batchSize)) {
    checkBatch(batch, io, "validation");
    await model.prepare?.({ [io.inputName]: { shape: batch.x.dims } });
    const [loss, predicted] = tf.tidy(() => {
      const x = tf.tensor(batch.x.data, [...batch.x.dims], "float32");
      const logits = model.forward({ [io.inputName]: x }, { training: false, outputs: [io.outputName] })[io.outputName]!;
      return [crossEntropy(logits, tf.tensor1d(batch.y, "int32")), tf.argMax(logits, -1)] as const;
    });
    lossSum += (await loss.data())[0]! * batch.y.length;
    correct += countCorrect((await predicted.data()) as Int32Array, batch.y);
    count += batch.y.length;
    tf.dispose([loss, predicted]);
  }
  return { loss: lossSum / count, accuracy: correct / count };
}
