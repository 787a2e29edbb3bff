// The navigator.gpu that tfjs-backend-webgpu sees. Its registered factory
// (4.22, dist/base.js) asks navigator.gpu for an adapter itself and then calls
// requestDevice with `requiredFeatures: ['timestamp-query', ['bgra8unorm-storage']]`
// — the second entry a nested array. WebIDL turns ['x'] into the string "x",
// so some Dawn builds accept it, but Dawn's Node binding has rejected it (seen
// on NVIDIA). So tfjs gets a stand-in whose requestAdapter returns the adapter
// compactor chose (not whatever Dawn ranks first), and whose adapters'
// requestDevice flattens requiredFeatures and keeps only features the adapter
// has. node_modules stays untouched.
import type { GpuAdapterLike, GpuDeviceDescriptorLike, GpuLike, GpuRequestAdapterOptions } from "./adapters.js";
import { watchDevice } from "./device-errors.js";

export interface FeatureFix {
  /** What to pass: flat, deduplicated, all supported by the adapter. */
  readonly features: string[];
  /** Entries that arrived nested in arrays (tfjs's ['bgra8unorm-storage']). */
  readonly flattened: string[];
  /** Entries the adapter does not have, left out (requestDevice would reject them). */
  readonly unsupported: string[];
}

export function fixRequiredFeatures(requested: Iterable<unknown> | undefined, has: (feature: string) => boolean): FeatureFix {
  const features: string[] = [];
  const flattened: string[] = [];
  const unsupported: string[] = [];
  const visit = (entry: unknown, nested: boolean) => {
    if (Array.isArray(entry)) {
      for (const inner of entry) visit(inner, true);
      return;
    }
    const name = String(entry);
    if (nested) flattened.push(name);
    if (!has(name)) unsupported.push(name);
    else if (!features.includes(name)) features.push(name);
  };
  for (const entry of requested ?? []) visit(entry, false);
  return { features, flattened, unsupported };
}

/** The last device request the stand-in rewrote, for scripts/gpu-check to report. */
export interface DeviceRequestRecord {
  readonly requested: unknown[];
  readonly fix: FeatureFix;
}

let lastRequest: DeviceRequestRecord | undefined;

export function lastDeviceRequest(): DeviceRequestRecord | undefined {
  return lastRequest;
}

/** The adapter, with requestDevice fixing requiredFeatures first and watching the device for errors. */
export function withFeatureFix(adapter: GpuAdapterLike): GpuAdapterLike {
  const requestDevice = async (descriptor: GpuDeviceDescriptorLike = {}) => {
    const requested = [...(descriptor.requiredFeatures ?? [])];
    const fix = fixRequiredFeatures(requested, (f) => adapter.features.has(f));
    lastRequest = { requested, fix };
    const device = await adapter.requestDevice({ ...descriptor, requiredFeatures: fix.features });
    watchDevice(device);
    return device;
  };
  // Native objects check `this`: read every other member from the adapter itself.
  return new Proxy(adapter, {
    get(target, prop) {
      if (prop === "requestDevice") return requestDevice;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A navigator.gpu whose requestAdapter ignores the caller's options and asks
 * `gpu` with `request` (the one that found the adapter compactor chose), so
 * each call gets a fresh adapter of that kind: an adapter makes one device.
 */
export function gpuFor(gpu: GpuLike, request: GpuRequestAdapterOptions): GpuLike {
  const requestAdapter = async () => {
    const adapter = await gpu.requestAdapter(request);
    return adapter ? withFeatureFix(adapter) : null;
  };
  return new Proxy(gpu, {
    get(target, prop) {
      if (prop === "requestAdapter") return requestAdapter;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
