// SGD (momentum, Nesterov, L2 weight decay) and Adam/AdamW over tf.Variables,
// with PyTorch's update rules so the same hyper-parameters mean the same thing:
//   sgd:   g += wd·w;  b = μ·b + g;  g = nesterov ? g + μ·b : b;  w -= lr·g
//   adam:  g += wd·w (L2);  m, v moving averages;  w -= lr·m̂/(√v̂ + ε)
//   adamw: w *= 1 − lr·wd (decoupled), then the Adam step without L2.
// The bias corrections are folded into one scalar step size and ε so each
// variable costs a dozen elementwise kernels, all inside one tidy.
import { tf } from "../runtime/tfjs/tf.js";
import { createFusedAdamState, type FusedAdamState } from "../runtime/tfjs/kernels/adam.js";
import type { OptimizerName } from "./options.js";

export interface OptimizerSettings {
  readonly optimizer: OptimizerName;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
}

export interface Optimizer {
  /** Applies one update with learning rate `lr`; grads are keyed like the variables. */
  step(variables: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr: number): void;
  /** Frees the optimizer's state (moments, momentum buffers). */
  dispose(): void;
  /** Number of state tensors held (for leak checks). */
  readonly stateSize: number;
  /** A copy of the state (step count, moments or momentum buffers by "m/name", "v/name", "momentum/name"), for checkpoints. */
  exportState(): Promise<OptimizerState>;
  /** Replaces the state with one exportState gave (resuming a checkpoint); sizes must match the variables. */
  importState(state: OptimizerState, variables: ReadonlyMap<string, tf.Variable>): void;
}

export interface OptimizerState {
  /** Updates applied so far (Adam's bias correction needs it). */
  readonly t: number;
  readonly buffers: ReadonlyMap<string, Float32Array>;
}

/** Copies variables' values out, keyed `${prefix}/${name}`. */
async function readAll(prefix: string, entries: Iterable<[string, tf.Tensor]>): Promise<[string, Float32Array][]> {
  const out: [string, Float32Array][] = [];
  for (const [name, t] of entries) out.push([`${prefix}/${name}`, (await t.data()) as Float32Array]);
  return out;
}

/** A non-trainable variable holding `data` in `like`'s shape. */
function variableOf(data: Float32Array, like: tf.Variable): tf.Variable {
  const t = tf.tensor(data, like.shape, "float32");
  const v = tf.variable(t, false);
  t.dispose();
  return v;
}

export function createOptimizer(settings: OptimizerSettings): Optimizer {
  return settings.optimizer === "sgd" ? sgd(settings) : adam(settings);
}

function sgd(s: OptimizerSettings): Optimizer {
  const buffers = new Map<string, tf.Variable>();
  return {
    get stateSize() {
      return buffers.size;
    },
    step(variables, grads, lr) {
      tf.tidy(() => {
        for (const [name, w] of variables) {
          let g = grads[name];
          if (g === undefined) continue;
          if (s.weightDecay > 0) g = tf.add(g, tf.mul(w, s.weightDecay));
          if (s.momentum > 0) {
            let buf = buffers.get(name);
            if (buf === undefined) {
              // PyTorch starts the buffer at the first gradient.
              buf = tf.variable(g, false);
              buffers.set(name, buf);
            } else {
              buf.assign(tf.add(tf.mul(buf, s.momentum), g));
            }
            g = s.nesterov ? tf.add(g, tf.mul(buf, s.momentum)) : buf;
          }
          w.assign(tf.sub(w, tf.mul(g, lr)));
        }
      });
    },
    async exportState() {
      return { t: 0, buffers: new Map(await readAll("momentum", buffers)) };
    },
    importState(state, variables) {
      for (const b of buffers.values()) b.dispose();
      buffers.clear();
      for (const [name, w] of variables) {
        const data = state.buffers.get(`momentum/${name}`);
        if (data === undefined) continue;
        if (data.length !== w.size) throw new Error(`momentum buffer of "${name}" has ${data.length} values, the variable ${w.size}`);
        buffers.set(name, variableOf(data, w));
      }
    },
    dispose() {
      for (const b of buffers.values()) b.dispose();
      buffers.clear();
    },
  };
}

function adam(s: OptimizerSettings): Optimizer {
  const [beta1, beta2] = s.betas;
  const decoupled = s.optimizer === "adamw";
  const moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  // On wasm the moments live in a SIMD module and each variable is one pass (kernels/adam.ts).
  let fused: FusedAdamState | undefined | null = null;
  let t = 0;
  return {
    get stateSize() {
      return moments.size * 2 + (fused?.size ?? 0);
    },
    step(variables, grads, lr) {
      t += 1;
      const bc1 = 1 - beta1 ** t;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      const stepSize = (lr * bc2Sqrt) / bc1;
      const epsHat = s.eps * bc2Sqrt;
      // Chosen at the first step, on the backend training runs on, and kept.
      if (fused === null) fused = createFusedAdamState();
      const simd = fused;
      const fusedAttrs = { beta1, beta2, stepSize, epsHat, l2: decoupled ? 0 : s.weightDecay, decay: decoupled ? 1 - lr * s.weightDecay : 1 };
      tf.tidy(() => {
        for (const [name, w] of variables) {
          let g = grads[name];
          if (g === undefined) continue;
          if (simd !== undefined) {
            w.assign(simd.update(name, w, g, fusedAttrs));
            continue;
          }
          let state = moments.get(name);
          if (state === undefined) {
            state = { m: tf.variable(tf.zerosLike(w), false), v: tf.variable(tf.zerosLike(w), false) };
            moments.set(name, state);
          }
          if (s.weightDecay > 0 && !decoupled) g = tf.add(g, tf.mul(w, s.weightDecay));
          state.m.assign(tf.add(tf.mul(state.m, beta1), tf.mul(g, 1 - beta1)));
          state.v.assign(tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const update = tf.mul(tf.div(state.m, tf.add(tf.sqrt(state.v), epsHat)), stepSize);
          const decayed = s.weightDecay > 0 && decoupled ? tf.mul(w, 1 - lr * s.weightDecay) : w;
          w.assign(tf.sub(decayed, update));
        }
      });
    },
    async exportState() {
      const entries: [string, Float32Array][] = [];
      for (const [name, { m, v }] of fused?.moments() ?? []) entries.push([`m/${name}`, m], [`v/${name}`, v]);
      entries.push(...(await readAll("m", [...moments].map(([name, s]) => [name, s.m]))));
      entries.push(...(await readAll("v", [...moments].map(([name, s]) => [name, s.v]))));
      return { t, buffers: new Map(entries) };
    },
    importState(state, variables) {
      t = state.t;
      if (fused === null) fused = createFusedAdamState();
      for (const [name, w] of variables) {
        const m = state.buffers.get(`m/${name}`);
        const v = state.buffers.get(`v/${name}`);
        if (m === undefined || v === undefined) continue;
        if (m.length !== w.size || v.length !== w.size) throw new Error(`Adam moments of "${name}" have ${m.length}/${v.length} values, the variable ${w.size}`);
        if (fused !== undefined) {
          fused.setMoments(name, m, v);
          continue;
        }
        moments.get(name)?.m.dispose();
        moments.get(name)?.v.dispose();
        moments.set(name, { m: variableOf(m, w), v: variableOf(v, w) });
      }
    },
    dispose() {
      for (const { m, v } of moments.values()) {
        m.dispose();
        v.dispose();
      }
      moments.clear();
      fused?.dispose();
    },
  };
}
