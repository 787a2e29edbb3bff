// Registers tfjs-core's gradient configs, which tfjs-core does not do on import
// (the @tensorflow/tfjs umbrella package does, and we do not depend on it).
//
// The configs exist only in tfjs-core's ES-module build (dist/**/*.js), whose
// imports omit file extensions and whose package is not "type": "module", so
// plain Node cannot load them (bundlers and vitest can). Under Node a small
// loader hook, scoped to that one folder, adds ".js" and loads the files as ES
// modules. The configs register into tfjs's global registry (shared by every
// copy of tfjs-core in the process), so the CommonJS build we run on sees them.
import { register } from "node:module";

const HOOKS = `
const DIST = "/@tensorflow/tfjs-core/dist/";
const inDist = (url) => typeof url === "string" && url.includes(DIST) && !url.includes("/tf-core.");
export async function resolve(specifier, context, next) {
  if (inDist(context.parentURL) && specifier.startsWith(".") && !specifier.endsWith(".js")) {
    return next(specifier + ".js", context);
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (inDist(url) && url.endsWith(".js")) return next(url, { ...context, format: "module" });
  return next(url, context);
}`;

let registered = false;

export async function registerAllGradients(): Promise<void> {
  if (registered) return;
  registered = true;
  const underVite = typeof (import.meta as { env?: unknown }).env === "object";
  if (!underVite) register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, import.meta.url);
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
}
