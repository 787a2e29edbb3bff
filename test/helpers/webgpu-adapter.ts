// Whether this machine has a WebGPU adapter (a GPU, or a software one such as
// mesa's lavapipe), and which tests the webgpu test files register:
// - an adapter: the success path (webgpuSuite's body) runs on it;
// - no adapter where one is expected (CI=true, set by .ci/run, which installs
//   lavapipe): the success path still runs, and fails with the reason;
// - no adapter where none is expected (outside CI, or CI whose .ci/run could
//   not install lavapipe and said why in COMPACTOR_WEBGPU_ABSENT): the success
//   path cannot run, so the file asserts the no-adapter error path instead —
//   initBackend("webgpu") fails with a BackendError naming what is missing —
//   and prints that it did so, and why. Nothing is skipped.
import { describe, expect, it } from "vitest";
import { BackendError } from "../../src/core/errors.js";
import { initBackend } from "../../src/runtime/tfjs/backends.js";
import { findAdapters } from "../../src/runtime/tfjs/webgpu/adapters.js";
import { rawGpu } from "../../src/runtime/tfjs/webgpu/dawn.js";
import { diagnoseVulkan, vulkanProblems } from "../../src/runtime/tfjs/webgpu/vulkan.js";

export interface WebGpuProbe {
  /** The first adapter's name, GPUs first. */
  readonly adapter?: string;
  readonly software?: boolean;
  /** Why there is none. */
  readonly reason?: string;
  /** Why having none is expected here; undefined when an adapter is required (CI with lavapipe installed). */
  readonly absenceExpected?: string;
}

async function probe(): Promise<WebGpuProbe> {
  const inCi = process.env.CI === "true" || process.env.CI === "1";
  let reason: string;
  try {
    const { found, errors } = await findAdapters(await rawGpu());
    const first = found[0];
    if (first) return { adapter: first.summary.name, software: first.summary.software };
    reason = ["no WebGPU adapter", ...errors, ...vulkanProblems(diagnoseVulkan())].join("; ");
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  const ciSaid = process.env.COMPACTOR_WEBGPU_ABSENT;
  if (inCi && !ciSaid) return { reason };
  return { reason, absenceExpected: inCi ? `CI: ${ciSaid}` : "not CI (CI=true requires an adapter)" };
}

export const WEBGPU: WebGpuProbe = await probe();

/** What the webgpu backend's failure must say when there is no adapter: the cause, by name. */
const NO_ADAPTER = /found no adapter|libvulkan\.so\.1|Vulkan ICD|"webgpu" package .* not installed or failed to load/;

/**
 * Registers `body` as the suite `title` where it can run (or must, in CI);
 * elsewhere, a suite asserting the no-adapter error path, with a warning that says so.
 */
export function webgpuSuite(title: string, body: () => void): void {
  if (WEBGPU.adapter !== undefined || WEBGPU.absenceExpected === undefined) {
    describe(title, body);
    return;
  }
  console.warn(
    `${title}: not run, no WebGPU adapter (${WEBGPU.reason}); expected because ${WEBGPU.absenceExpected}. ` +
      `Asserting the no-adapter error path instead. For the software adapter install mesa-vulkan-drivers ≥ 23 and libvulkan1 (Debian bookworm: from bookworm-backports).`,
  );
  describe(`${title}: no WebGPU adapter on this machine, so the no-adapter error path instead`, () => {
    it(`initBackend("webgpu") fails with a BackendError naming what is missing`, async () => {
      const err = await initBackend("webgpu").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).message).toMatch(NO_ADAPTER);
      expect((err as BackendError).message).toMatch(/webgpu/);
      await initBackend("wasm");
    });
  });
}
