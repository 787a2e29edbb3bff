// display(), clearOutput() and display handles: the user-facing calls that send
// bundles to whichever DisplaySink the host (kernel, REPL, plain stdout) installed.
import { randomUUID } from "node:crypto";
import { toMimeBundle } from "./bundle.js";
import { displaySink } from "./sink.js";

export interface DisplayHandle {
  /** The display_id Jupyter knows this output by. */
  readonly displayId: string;
  /** Replace the output in place (update_display_data). */
  update(value: unknown): void;
}

export interface DisplayCallOptions {
  /** true: make up an id and return a handle; a string: use that id (several outputs can share one). */
  displayId?: boolean | string;
}

export function display(value: unknown, options: DisplayCallOptions & { displayId: true | string }): DisplayHandle;
export function display(value: unknown, options?: DisplayCallOptions): DisplayHandle | undefined;
export function display(value: unknown, options: DisplayCallOptions = {}): DisplayHandle | undefined {
  const bundle = toMimeBundle(value);
  if (options.displayId === undefined || options.displayId === false) {
    displaySink().display(bundle);
    return undefined;
  }
  const displayId = options.displayId === true ? randomUUID() : options.displayId;
  displaySink().display(bundle, { displayId });
  return displayHandle(displayId);
}

/** A handle for an id that is already on screen (or will be: updating an unknown id is a no-op in Jupyter). */
export function displayHandle(displayId: string): DisplayHandle {
  return {
    displayId,
    update(value: unknown) {
      displaySink().display(toMimeBundle(value), { displayId, update: true });
    },
  };
}

/** Clear the current output; with `wait`, the clearing waits for the next output (no flicker). */
export function clearOutput(options: { wait?: boolean } = {}): void {
  displaySink().clearOutput(options.wait ?? false);
}
