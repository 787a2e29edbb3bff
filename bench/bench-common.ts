// What the bench scripts share: their `--name value` arguments, the machine
// description each result carries (CPU, cores, its AVX/VNNI features from
// /proc/cpuinfo, load at start) and writing the JSON document.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function benchArgs(args: readonly string[] = process.argv.slice(2)) {
  const at = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : undefined;
  };
  return {
    value: (name: string, fallback: number) => Number(at(name) ?? fallback),
    text: (name: string, fallback: string) => at(name) ?? fallback,
  };
}

export function machine() {
  const cpu = spawnSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo; nproc; grep -o 'avx[^ ]*\\|vnni' /proc/cpuinfo | sort -u | tr '\\n' ' '; echo; cat /proc/loadavg"], { encoding: "utf8" }).stdout.trim().split("\n");
  return { cpu: cpu[0]?.replace(/^model name\s*:\s*/, ""), cores: Number(cpu[1]), features: cpu[2], loadavgAtStart: cpu[3], node: process.version };
}

/** Stamps the end time and load, writes the document to `out` and stdout. */
export function writeResult(out: string, result: Record<string, unknown>): void {
  result.finished = new Date().toISOString();
  result.loadavgAtEnd = spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
}
