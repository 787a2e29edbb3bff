// Headless Chromium (Debian's package) through playwright-core, for the tests
// that check what a reader's browser shows. Where Chromium is missing the
// browser tests skip with a warning, except in CI (CI=true, set by .ci/run,
// which installs it): there a missing browser fails the tests.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"];

/** True when the browser tests should run: Chromium is here, or CI demands them (and they fail without it). */
export function browserTestsRun(suite: string): boolean {
  if (existsSync(CHROMIUM) || process.env.CI === "true") return true;
  console.warn(`${suite}: skipped, no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); with CI=true this fails instead`);
  return false;
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile each time (--user-data-dir in a new temporary folder), removed on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: the browser tests need it (CI=true: .ci/run installs Debian's chromium). Install it or set CHROMIUM_PATH.`);
  }
  const profile = mkdtempSync(join(tmpdir(), "compactor-chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageWatch {
  /** Console errors (with the URL they came from) and uncaught exceptions, as text. */
  readonly errors: string[];
  /** Every request the page made that left it (not file:, data:, blob:, about:). */
  readonly requests: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") watch.errors.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
  });
  page.on("pageerror", (e) => watch.errors.push(`page: ${e.message}`));
  page.on("request", (r) => {
    if (!/^(file|data|blob|about):/.test(r.url())) watch.requests.push(r.url());
  });
  return watch;
}

/** Waits until `expected` .compactor-plot divs hold a drawn Plotly figure; returns every figure div's drawn size (0 × 0: not drawn). */
export async function drawnFigureSizes(page: Page, expected: number, timeout = 60_000): Promise<{ width: number; height: number }[]> {
  // Strings, not functions: they run in the page, and the project's types have no DOM.
  const drawn = `Array.from(document.querySelectorAll(".compactor-plot")).filter(function (d) { return d.querySelector(".main-svg"); }).length`;
  await page.waitForFunction(`${drawn} >= ${expected}`, undefined, { timeout });
  return page.evaluate(`Array.from(document.querySelectorAll(".compactor-plot")).map(function (d) {
    var svg = d.querySelector(".main-svg");
    var box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return { width: box.width, height: box.height };
  })`) as Promise<{ width: number; height: number }[]>;
}
