// The REPL as a person uses it: through a pseudo-terminal (node-pty), typing
// keys, and through a pipe for scripting. Runs the compiled REPL
// (dist/src/cli/repl/run.js, built by `npm test`; COMPACTOR_TEST_DIST overrides).
import { describe, it, expect, beforeAll } from "vitest";
import { spawn as spawnPty, type IPty } from "node-pty";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const dist = resolve(process.env.COMPACTOR_TEST_DIST ?? "dist");
const entry = join(dist, "src/cli/repl/run.js");
const PROMPT = "compactor> ";

beforeAll(() => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does).`);
});

/** Strips colours and cursor movement so assertions read the text a person sees. */
function plain(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}

class Terminal {
  private buffer = "";
  private readonly pty: IPty;
  readonly exited: Promise<number>;
  constructor(env: Record<string, string>) {
    this.pty = spawnPty(process.execPath, [entry], { cols: 120, rows: 40, cwd: process.cwd(), env: { ...process.env, ...env } as Record<string, string> });
    this.pty.onData((d) => (this.buffer += d));
    this.exited = new Promise((r) => this.pty.onExit((e) => r(e.exitCode)));
  }
  /** Waits until the text since the last mark matches, and returns it. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = plain(this.buffer);
      if (pattern.test(text)) {
        this.buffer = "";
        return text;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${pattern}; screen so far:\n${plain(this.buffer)}`);
  }
  type(keys: string): void {
    this.pty.write(keys);
  }
  /** Types a line and waits for the next prompt. */
  async line(text: string): Promise<string> {
    this.type(text + "\r");
    return this.waitFor(new RegExp(`\\n${PROMPT}$`));
  }
  kill(): void {
    this.pty.kill();
  }
}

function historyEnv() {
  const dir = mkdtempSync(join(tmpdir(), "compactor-repl-test-"));
  return { dir, env: { COMPACTOR_REPL_HISTORY: join(dir, "history"), TMPDIR: dir } };
}

describe("REPL in a terminal", () => {
  it("evaluates, continues multi-line input, shows type errors, completes, survives Ctrl-C, and keeps history", async () => {
    const { dir, env } = historyEnv();
    const t = new Terminal(env);
    try {
      await t.waitFor(new RegExp(`${PROMPT}$`));
      expect(await t.line("const answer = 40 + 2")).not.toMatch(/Error/);
      expect(await t.line("answer")).toMatch(/^answer\n42\n/);

      // An open brace continues on the next line ("... " prompt) until the function is complete.
      t.type("function twice(n: number) {\r");
      await t.waitFor(/\.\.\. $/);
      t.type("  return n * 2\r");
      await t.waitFor(/\.\.\. $/);
      expect(await t.line("}")).not.toMatch(/Error/);
      expect(await t.line("twice(answer)")).toContain("84");

      // A type error is an error, and the input does not run.
      const typeError = await t.line('const s: string = twice(1)');
      expect(typeError).toMatch(/CompileError: 1:7 - Type 'number' is not assignable to type 'string'/);

      // Tab completion from the TypeScript service: `ans` + Tab → `answer`.
      t.type("ans\t");
      await t.waitFor(/answer$/);
      expect(await t.line("")).toContain("42");

      // Ctrl-C stops a synchronous infinite loop; the session and its variables survive.
      t.type("while (true) {}\r");
      await new Promise((r) => setTimeout(r, 1500));
      t.type("\x03");
      expect(await t.waitFor(new RegExp(`interrupted[\\s\\S]*${PROMPT}$`), 30_000)).toMatch(/InterruptedError/);
      expect(await t.line("answer + 1")).toContain("43");

      // And an await that never settles.
      t.type("await new Promise(() => {})\r");
      await new Promise((r) => setTimeout(r, 1000));
      t.type("\x03");
      await t.waitFor(new RegExp(`stopped waiting[\\s\\S]*${PROMPT}$`), 30_000);
      expect(await t.line("answer")).toContain("42");

      expect(await t.line(".help")).toMatch(/compactor REPL[\s\S]*Ctrl-C stops a running input/);

      // Figures print their text and the path of an HTML file.
      const figure = await t.line("plot.line([{ y: [1, 3, 2], name: 'loss' }])");
      expect(figure).toMatch(/loss ▁█▅/);
      const path = /figure: (\S+\.html)/.exec(figure)?.[1];
      expect(path && readFileSync(path, "utf8")).toContain("Plotly.newPlot");

      t.type(".exit\r");
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }

    // A second session sees the first one's inputs: Up-arrow recalls the last line typed.
    const history = readFileSync(env.COMPACTOR_REPL_HISTORY, "utf8");
    expect(history).toContain("const answer = 40 + 2");
    const again = new Terminal(env);
    try {
      await again.waitFor(new RegExp(`${PROMPT}$`));
      again.type("\x1b[A");
      await again.waitFor(/\.exit$/);
      again.type("\x1b[A");
      await again.waitFor(/plot\.line\(\[\{ y: \[1, 3, 2\], name: 'loss' \}\]\)$/);
    } finally {
      again.kill();
    }
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });
});

describe("REPL on a pipe", () => {
  const run = (input: string) => spawnSync(process.execPath, [entry], { input, encoding: "utf8", env: { ...process.env, ...historyEnv().env }, timeout: 90_000 });

  it("prints results and exits 0", () => {
    const r = run("1+1\n");
    expect(r.stdout).toBe("2\n");
    expect(r.status).toBe(0);
  });

  it("continues after a failing input, reports it, and exits 1", () => {
    const r = run('const a = 1\nthrow new Error("boom")\nlet b: string = 3\nfunction g() {\n  return a + 1\n}\ng()\n');
    expect(r.stdout).toBe("2\n");
    expect(r.stderr).toContain("Error: boom");
    expect(r.stderr).toContain("CompileError: 1:5 - Type 'number' is not assignable to type 'string'.");
    expect(r.status).toBe(1);
  });

  it("draws tables and prints only a progress bar's final state", () => {
    const r = run('table([{ layer: "fc1", params: 1200 }])\nconst p = progress({ total: 3, label: "steps" })\np.tick(); p.tick(); p.tick(); p.done()\n');
    expect(r.stdout).toContain("│ fc1   │  1,200 │");
    expect(r.stdout.match(/steps/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/steps █+ 100% 3\/3/);
    expect(r.status).toBe(0);
  });
});
