// Commands that run steps (apply, demo) show step reports and progress through
// display(); with --json stdout must carry one JSON document only, so for the
// command's duration final displays go to stderr instead.
import { setDisplaySink, displaySink, type DisplaySink } from "../display/sink.js";

const stderrSink: DisplaySink = {
  rich: false,
  display(bundle, options) {
    // Like the stdout default: a stream cannot redraw, so only final states are written.
    if (options?.live === "partial") return;
    if (options?.update && options.live !== "final") return;
    process.stderr.write(bundle["text/plain"] + "\n");
  },
  clearOutput() {},
};

/** Runs `fn` with displays on stderr when `json` is set; the previous sink comes back afterwards. */
export async function withDisplays<T>(json: boolean, fn: () => Promise<T>): Promise<T> {
  if (!json) return fn();
  const previous = displaySink();
  setDisplaySink(stderrSink);
  try {
    return await fn();
  } finally {
    setDisplaySink(previous);
  }
}
