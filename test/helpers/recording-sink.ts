// A DisplaySink that records every call, for display tests.
import type { MimeBundle } from "../../src/display/mime.js";
import type { DisplayOptions, DisplaySink } from "../../src/display/sink.js";

export interface RecordedCall {
  bundle?: MimeBundle;
  options?: DisplayOptions;
  clear?: boolean;
}

export function recordingSink(rich = true): { calls: RecordedCall[]; sink: DisplaySink } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    sink: {
      rich,
      display: (bundle, options) => void calls.push({ bundle, options }),
      clearOutput: (wait) => void calls.push({ clear: wait ?? false }),
    },
  };
}
