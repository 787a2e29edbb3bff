// The REPL's DisplaySink: every bundle is shown as its text/plain; Plotly
// figures are also written to an HTML file whose path is printed. Live displays
// (progress bars, training curves) redraw in place on a TTY; on a pipe only
// their final state is printed.
import { copyFileSync, mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DisplaySink, DisplayOptions } from "../../display/sink.js";
import type { MimeBundle } from "../../display/mime.js";
import { figurePage, PLOTLY_MIME, type PlotlyFigure } from "../../display/plotly.js";
import { PLOTLY_FILE, plotlyJsPath } from "../../display/plotly-source.js";

export interface TerminalSinkOptions {
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where figure files go; a fresh temporary folder by default. */
  figureDir?: string;
}

export class TerminalSink implements DisplaySink {
  readonly rich = false;
  private readonly output: TerminalSinkOptions["output"];
  private figureDir: string | undefined;
  private figureCount = 0;
  /** The display drawn last and how many lines it took, so a redraw can replace it. */
  private last: { displayId: string; lines: number } | undefined;
  /** Set after anything else is written to the terminal: the last display can no longer be redrawn in place. */
  private dirty = false;

  constructor(options: TerminalSinkOptions) {
    this.output = options.output;
    this.figureDir = options.figureDir;
  }

  /** The REPL calls this after printing anything itself (results, errors, the prompt). */
  markWritten(): void {
    this.dirty = true;
  }

  display(bundle: MimeBundle, options: DisplayOptions = {}): void {
    const tty = this.output.isTTY === true;
    const partial = options.live === "partial";
    if (!tty && partial) return;
    let text = bundle["text/plain"];
    // Figure files are written for finished figures only, not for every redraw of a live one.
    if (!partial && bundle[PLOTLY_MIME] !== undefined) text += `\nfigure: ${this.writeFigure(bundle[PLOTLY_MIME] as PlotlyFigure)}`;
    const lines = text.split("\n").length;
    const id = options.displayId;
    if (tty && id !== undefined && options.update && this.last?.displayId === id && !this.dirty) {
      // Cursor up to the start of the earlier drawing, clear to the end of the screen, draw again.
      const up = this.last.lines - 1;
      this.output.write(`\r${up > 0 ? `\x1b[${up}A` : ""}\x1b[J${text}`);
    } else {
      this.finishLine();
      this.output.write(text);
    }
    this.dirty = false;
    if (id !== undefined && options.live !== "final") {
      // It may be redrawn: leave the cursor at its end until something else is printed.
      this.last = { displayId: id, lines };
    } else {
      this.output.write("\n");
      this.last = undefined;
    }
  }

  /** Ends a line left open by a display that may still be redrawn; call before printing anything else. */
  finishLine(): void {
    if (this.last && !this.dirty) this.output.write("\n");
    this.last = undefined;
    this.dirty = false;
  }

  clearOutput(): void {
    // A terminal keeps its scrollback; clearing would also wipe the user's own input.
  }

  /** Writes `compactor-figure-N.html` (plotly.min.js beside it, loaded from there) and returns its path. */
  writeFigure(figure: PlotlyFigure): string {
    this.figureDir ??= mkdtempSync(join(tmpdir(), "compactor-figures-"));
    const library = join(this.figureDir, PLOTLY_FILE);
    if (!existsSync(library)) copyFileSync(plotlyJsPath(), library);
    this.figureCount++;
    const path = join(this.figureDir, `compactor-figure-${this.figureCount}.html`);
    writeFileSync(path, figurePage(figure, PLOTLY_FILE));
    return path;
  }
}
