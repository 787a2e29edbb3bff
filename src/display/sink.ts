// Where display output goes. The Jupyter kernel installs a sink that sends
// display_data / update_display_data / clear_output; the REPL installs one that
// renders text in the terminal; the default writes text/plain to stdout.
// display/ never imports the kernel: the kernel imports this and sets the sink.
import type { MimeBundle } from "./mime.js";

export interface DisplaySink {
  /** Show a bundle. With `update: true`, replace the display with id `displayId` in place. */
  display(bundle: MimeBundle, options?: { displayId?: string; update?: boolean }): void;
  /** Clear the cell's output; with `wait`, only when the next output arrives. */
  clearOutput(wait?: boolean): void;
  /** True when rich (HTML/Plotly) output is rendered, e.g. in Jupyter. */
  readonly rich: boolean;
}

const stdoutSink: DisplaySink = {
  rich: false,
  display(bundle, options) {
    // Updates of an in-place display (progress) are skipped on a plain stream
    // except the last one, which the producer sends with a final flag in text.
    if (options?.update) return;
    process.stdout.write(bundle["text/plain"] + "\n");
  },
  clearOutput() {},
};

let current: DisplaySink = stdoutSink;

export function setDisplaySink(sink: DisplaySink | undefined): void {
  current = sink ?? stdoutSink;
}

export function displaySink(): DisplaySink {
  return current;
}
