#!/usr/bin/env node
// Writes the TF.js layers-model fixtures with TF.js's own tfjs-layers (the
// library that defines the format): each model is built with tf.sequential /
// tf.model, given seeded random weights (BatchNormalization statistics too),
// saved the way tfjs-layers saves (model.json + weights.bin through
// tf.io.withSaveHandler), and run by tfjs-layers on seeded inputs.
//
//   npm run build && node scripts/make-tfjs-layers-fixtures.mjs
//
// Under test/fixtures/tfjs-layers/<name>/: model.json, weights.bin,
// inputs.npz and outputs.npz (keyed by the model's input and output names).
// The npz files are written with compactor's own writer (dist/).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "test", "fixtures", "tfjs-layers");
const { encodeNpz } = await import(new URL("../dist/src/formats/numpy/npz.js", import.meta.url).href);
await tf.setBackend("cpu");

let seed = 1;
const init = () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.4, seed: seed++ });
const dense = (units, extra = {}) => tfl.layers.dense({ units, kernelInitializer: init(), biasInitializer: init(), ...extra });
const conv = (filters, kernelSize, extra = {}) => tfl.layers.conv2d({ filters, kernelSize, kernelInitializer: init(), biasInitializer: init(), ...extra });

/** BatchNormalization statistics and scales away from the identity PyTorch/Keras start with. */
function randomizeNorms(model) {
  for (const layer of model.layers) {
    if (layer.getClassName() !== "BatchNormalization") continue;
    layer.setWeights(layer.getWeights().map((w, i) => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2, "float32", seed++) : tf.randomNormal(w.shape, i === 0 ? 1 : 0, 0.3, "float32", seed++))));
  }
}

const MODELS = {
  mlp: () => {
    const m = tfl.sequential();
    m.add(dense(16, { inputShape: [8], activation: "relu" }));
    m.add(tfl.layers.dropout({ rate: 0.3 }));
    m.add(tfl.layers.batchNormalization());
    m.add(dense(12, { activation: "tanh" }));
    m.add(tfl.layers.leakyReLU({ alpha: 0.1 }));
    m.add(dense(4, { activation: "softmax" }));
    return m;
  },
  cnn: () => {
    const m = tfl.sequential();
    m.add(conv(8, 3, { inputShape: [12, 12, 3], padding: "same", activation: "relu" }));
    m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, depthwiseInitializer: init(), biasInitializer: init() }));
    m.add(tfl.layers.batchNormalization());
    m.add(tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: "same", depthwiseInitializer: init(), pointwiseInitializer: init(), biasInitializer: init(), activation: "elu" }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }));
    m.add(tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: "same" }));
    m.add(conv(4, 3, { strides: 2, activation: "sigmoid" }));
    m.add(tfl.layers.flatten());
    m.add(dense(5));
    return m;
  },
  functional: () => {
    const x = tfl.input({ shape: [8, 8, 4], name: "image" });
    const a = conv(6, 3, { padding: "same", name: "branch_a" }).apply(x);
    const b = conv(6, 1, { name: "branch_b", activation: "relu6" }).apply(x);
    const sum = tfl.layers.add().apply([a, b]);
    const prod = tfl.layers.multiply().apply([tfl.layers.activation({ activation: "sigmoid" }).apply(a), b]);
    const diff = tfl.layers.maximum().apply([sum, tfl.layers.average().apply([prod, a])]);
    const cat = tfl.layers.concatenate().apply([diff, x]);
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(cat);
    const maxed = tfl.layers.globalMaxPooling2d({}).apply(cat);
    const both = tfl.layers.concatenate().apply([pooled, maxed]);
    const reshaped = tfl.layers.reshape({ targetShape: [4, 5] }).apply(both);
    const permuted = tfl.layers.permute({ dims: [2, 1] }).apply(reshaped);
    const flat = tfl.layers.flatten().apply(permuted);
    const up = tfl.layers.upSampling2d({ size: [2, 2] }).apply(x);
    const upPooled = tfl.layers.globalAveragePooling2d({}).apply(up);
    const out = dense(3, { name: "scores", activation: "softmax" }).apply(tfl.layers.concatenate().apply([flat, upPooled]));
    return tfl.model({ inputs: x, outputs: out, name: "functional" });
  },
  text: () => {
    const m = tfl.sequential();
    m.add(tfl.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7, embeddingsInitializer: init() }));
    m.add(tfl.layers.lstm({ units: 5, returnSequences: true, kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init() }));
    m.add(tfl.layers.gru({ units: 4, kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init() }));
    m.add(dense(3));
    return m;
  },
  recurrent: () => {
    const m = tfl.sequential();
    m.add(tfl.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [5, 3], kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init() }));
    m.add(tfl.layers.lstm({ units: 3, goBackwards: true, recurrentActivation: "sigmoid", kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init() }));
    return m;
  },
};

async function save(model, dir) {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const manifest = [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }];
    // The fields tfjs-core's file and HTTP save handlers write (io_utils getModelJSONForModelArtifacts).
    const json = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, weightsManifest: manifest };
    writeFileSync(join(dir, "model.json"), JSON.stringify(json));
    writeFileSync(join(dir, "weights.bin"), Buffer.from(artifacts.weightData));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
}

for (const [name, make] of Object.entries(MODELS)) {
  const model = make();
  randomizeNorms(model);
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  await save(model, dir);
  const inputs = {};
  const feeds = model.inputs.map((input, i) => {
    const shape = [3, ...input.shape.slice(1)];
    // Token ids are whole numbers in a float32 input, as Keras feeds an Embedding.
    const t = name === "text" ? tf.floor(tf.randomUniform(shape, 0, 20, "float32", 100 + i)) : tf.randomNormal(shape, 0, 1, "float32", 100 + i);
    inputs[input.name.replace(/:0$/, "")] = { dtype: "float32", dims: shape, data: Float32Array.from(t.dataSync()) };
    return t;
  });
  const result = model.predict(feeds.length === 1 ? feeds[0] : feeds);
  const outputs = {};
  (Array.isArray(result) ? result : [result]).forEach((t, i) => (outputs[model.outputs[i].name.split("/")[0]] = { dtype: "float32", dims: t.shape, data: Float32Array.from(t.dataSync()) }));
  writeFileSync(join(dir, "inputs.npz"), encodeNpz(inputs));
  writeFileSync(join(dir, "outputs.npz"), encodeNpz(outputs));
  console.log(name, model.inputs.map((t) => `${t.name} [${t.shape}]`).join(", "), "→", model.outputs.map((t) => `${t.name} [${t.shape}]`).join(", "));
}
