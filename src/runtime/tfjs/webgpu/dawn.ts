// The raw navigator.gpu: the host's own (a browser, Deno, a Node that has one)
// or Dawn's, from the optional `webgpu` package. Dawn's globals (GPUBuffer,
// GPUBufferUsage…) go on globalThis too: tfjs-backend-webgpu reads them.
import { importOptional, firstLine } from "../activate.js";
import type { GpuLike } from "./adapters.js";

let raw: Promise<GpuLike> | undefined;
/** The stand-in compactor installs as navigator.gpu (device-request.ts), to tell it from a host's own. */
let installed: GpuLike | undefined;

interface NavigatorHolder {
  navigator?: { gpu?: GpuLike };
}

async function loadDawn(): Promise<GpuLike> {
  let dawn: Record<string, unknown>;
  try {
    dawn = await importOptional("webgpu");
  } catch (e) {
    throw new Error(`the "webgpu" package (Dawn for Node) is not installed or failed to load (${firstLine(e)}): npm install webgpu`);
  }
  const create = dawn.create as ((flags: string[]) => GpuLike) | undefined;
  if (typeof create !== "function") throw new Error(`the "webgpu" package has no create() export`);
  Object.assign(globalThis, (dawn.globals as object | undefined) ?? {});
  return create([]);
}

/** The GPU object to find adapters on; loads Dawn once when the host has none. */
export function rawGpu(): Promise<GpuLike> {
  const host = (globalThis as NavigatorHolder).navigator?.gpu;
  if (host && host !== installed) raw = Promise.resolve(host);
  raw ??= loadDawn().catch((e: unknown) => {
    raw = undefined; // retried next time, not cached
    throw e;
  });
  return raw;
}

/** Makes `gpu` the navigator.gpu tfjs-backend-webgpu will see (it checks at import and at init). */
export function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as NavigatorHolder;
  installed = gpu;
  if (!g.navigator) {
    Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  } else {
    // Node ≥ 21 has a navigator of its own, without gpu.
    Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true, writable: true });
  }
}
