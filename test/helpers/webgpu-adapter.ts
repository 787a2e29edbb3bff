// Whether this machine has a WebGPU adapter (a GPU, or a software one such as
// mesa's lavapipe) for the webgpu tests. In CI (CI=true, set by .ci/run, which
// installs lavapipe) a missing adapter is a failure: the tests run and fail
// with the reason. Elsewhere they are skipped, and the reason is printed.
import { findAdapters } from "../../src/runtime/tfjs/webgpu/adapters.js";
import { rawGpu } from "../../src/runtime/tfjs/webgpu/dawn.js";
import { diagnoseVulkan, vulkanProblems } from "../../src/runtime/tfjs/webgpu/vulkan.js";

export interface WebGpuProbe {
  /** The first adapter's name, GPUs first. */
  readonly adapter?: string;
  readonly software?: boolean;
  /** Why there is none. */
  readonly reason?: string;
  /** True only outside CI when there is no adapter. */
  readonly skip: boolean;
}

async function probe(): Promise<WebGpuProbe> {
  const inCi = process.env.CI === "true" || process.env.CI === "1";
  let reason: string;
  try {
    const { found, errors } = await findAdapters(await rawGpu());
    const first = found[0];
    if (first) return { adapter: first.summary.name, software: first.summary.software, skip: false };
    reason = ["no WebGPU adapter", ...errors, ...vulkanProblems(diagnoseVulkan())].join("; ");
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  if (!inCi) {
    console.warn(
      `webgpu tests skipped: ${reason}\n` +
        `  (install mesa-vulkan-drivers ≥ 23 and libvulkan1 for the software adapter — Debian bookworm: from bookworm-backports; CI=true makes this a failure)`,
    );
  }
  return { reason, skip: !inCi };
}

export const WEBGPU: WebGpuProbe = await probe();
