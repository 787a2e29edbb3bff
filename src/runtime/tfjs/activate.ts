// Switches tfjs to a backend it has a factory for and registers what training
// needs there. Shared by every starter in backends.ts and webgpu/start.ts.
import { tf } from "./tf.js";
import { registerTrainingKernels } from "./gradients/index.js";

export async function activate(tfjsName: string): Promise<void> {
  // setBackend logs and returns false (rather than throwing) when init fails.
  const ok = await tf.setBackend(tfjsName);
  if (!ok || tf.getBackend() !== tfjsName) {
    throw new Error(`tf.setBackend("${tfjsName}") failed to initialize`);
  }
  await tf.ready();
  // Gradients and the kernels a backend lacks for training (gradients/).
  registerTrainingKernels(tfjsName);
}

/** A computed specifier keeps TypeScript and bundlers from requiring optional packages. */
export async function importOptional(name: string): Promise<Record<string, unknown>> {
  const specifier: string = name;
  return (await import(specifier)) as Record<string, unknown>;
}

export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0] ?? text;
}
