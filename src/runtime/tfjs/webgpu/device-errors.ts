// WebGPU reports a shader that fails to compile, or a pipeline built on one,
// as an "uncapturederror" event on the device, not as an exception: the
// command buffer is dropped and the tensors it should have filled read back as
// stale memory. tfjs-backend-webgpu does not listen, so a broken kernel gives
// wrong numbers silently. compactor listens on the device it hands to tfjs and
// makes the next read of any tensor throw, naming the errors.
import { BackendError } from "../../../core/errors.js";

interface DeviceLike {
  addEventListener(type: "uncapturederror", listener: (event: { error?: { message?: string } }) => void): void;
}

const pending: string[] = [];

/** The first line of a Dawn message and the call it came from ("While calling …"). */
function summarize(message: string): string {
  const lines = message.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const call = lines.find((l) => l.startsWith("- While"));
  return [lines[0] ?? "unknown error", call].filter((l) => l).join(" ");
}

export function watchDevice(device: unknown): void {
  (device as DeviceLike).addEventListener("uncapturederror", (event) => pending.push(summarize(event.error?.message ?? String(event.error))));
}

/** Errors reported since the last call, oldest first. */
export function takeDeviceErrors(): string[] {
  return pending.splice(0, pending.length);
}

interface ReadingBackend {
  read(dataId: object): Promise<unknown>;
  compactorWatched?: boolean;
}

/** Makes `backend.read` (every tensor.data()) throw once the device has reported errors. */
export function failReadsOnDeviceErrors(backend: unknown): void {
  const b = backend as ReadingBackend;
  if (b.compactorWatched) return;
  const read = b.read.bind(b);
  b.read = async (dataId) => {
    const values = await read(dataId);
    const errors = takeDeviceErrors();
    if (errors.length > 0) {
      throw new BackendError(
        `the WebGPU device reported ${errors.length} error${errors.length > 1 ? "s" : ""}, so results computed since are wrong:\n  ${errors.slice(0, 5).join("\n  ")}` +
          `${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ""}\nThis is a kernel bug on this adapter: use backend "wasm", and report it with scripts/gpu-check.sh's output.`,
        { details: { errors } },
      );
    }
    return values;
  };
  b.compactorWatched = true;
}
