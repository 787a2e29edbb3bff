// Where display output goes. The Jupyter kernel installs a sink that sends
// display_data / update_display_data / clear_output; the REPL installs one that
// renders text in the terminal; the default writes text/plain to stdout.
// display/ never imports the kernel: the kernel imports this and sets the sink.
import type { MimeBundle } from "./mime.js";

export interface DisplayOptions {
  displayId?: string;
  update?: boolean;
  /**
   * Set by live displays (progress bars, training curves): "partial" for an
   * intermediate state, "final" for the last one. Hosts that cannot redraw in
   * place (plain stdout, a piped REPL) print only the final state.
   */
  live?: "partial" | "final";
}

export interface DisplaySink {
  /** Show a bundle. With `update: true`, replace the display with id `displayId` in place. */
  display(bundle: MimeBundle, options?: DisplayOptions): void;
  /** Clear the cell's output; with `wait`, only when the next output arrives. */
  clearOutput(wait?: boolean): void;
  /** True when rich (HTML/Plotly) output is rendered, e.g. in Jupyter. */
  readonly rich: boolean;
}

const stdoutSink: DisplaySink = {
  rich: false,
  display(bundle, options) {
    // Intermediate states of a live display (progress) are skipped on a plain
    // stream; its final state is printed once.
    if (options?.live === "partial") return;
    if (options?.update && options.live !== "final") return;
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
