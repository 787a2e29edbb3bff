// `compactor kernel install` / `uninstall`: the kernelspec (kernel.json and
// logos) in a Jupyter data dir, found the way jupyter_core finds it, so no
// Python is needed (except for --sys-prefix, which asks python3 for sys.prefix).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { OptionError } from "../src/core/errors.js";
import { PLOTLY_FILE, plotlyJsPath } from "../src/display/plotly-source.js";
import { jupyterUserDataDir, packageRoot } from "./paths.js";

export const DEFAULT_KERNEL_NAME = "compactor";
export const DISPLAY_NAME = "TypeScript (compactor)";

const REPO = packageRoot();
const LOGOS = ["logo-32x32.png", "logo-64x64.png"] as const;

export interface KernelspecLocation {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
  name?: string;
}

/** The kernels/<name> folder these options select; every wrong option is reported at once. */
export function kernelspecDir(options: KernelspecLocation, env: NodeJS.ProcessEnv = process.env): string {
  const problems: string[] = [];
  const chosen = [options.user && "--user", options.sysPrefix && "--sys-prefix", options.prefix !== undefined && "--prefix"].filter(Boolean);
  if (chosen.length > 1) problems.push(`choose one of --user, --sys-prefix, --prefix (got ${chosen.join(", ")})`);
  const name = options.name ?? DEFAULT_KERNEL_NAME;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) problems.push(`--name ${JSON.stringify(name)} may only contain letters, digits, ".", "_" and "-"`);
  if (options.prefix === "") problems.push("--prefix needs a folder");
  if (problems.length > 0) throw new OptionError(`compactor kernel: ${problems.join("; ")}`);
  let dataDir: string;
  if (options.prefix !== undefined) dataDir = path.join(path.resolve(options.prefix), "share", "jupyter");
  else if (options.sysPrefix) dataDir = path.join(pythonSysPrefix(), "share", "jupyter");
  else dataDir = jupyterUserDataDir(env);
  return path.join(dataDir, "kernels", name);
}

function pythonSysPrefix(): string {
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch (error) {
    throw new OptionError(
      `compactor kernel: --sys-prefix asks python3 for sys.prefix, and that failed (${(error as Error).message.split("\n")[0]}). ` +
        `Use --user, or --prefix with the environment's folder.`,
    );
  }
}

export function kernelJson(name: string): Record<string, unknown> {
  return {
    argv: [process.execPath, path.join(REPO, "bin", "compactor.js"), "kernel", "--connection-file", "{connection_file}"],
    display_name: name === DEFAULT_KERNEL_NAME ? DISPLAY_NAME : `${DISPLAY_NAME} [${name}]`,
    language: "typescript",
    // Interrupts as messages reach the control thread even when the main thread is
    // stuck outside vm (code after an await); SIGINT from a frontend still works.
    interrupt_mode: "message",
    // Figures in "url" mode load plotly.js from this kernelspec's folder, which the
    // Jupyter server serves at <base>/kernelspecs/<name>/: the kernel needs its name.
    env: { COMPACTOR_KERNEL_NAME: name },
    metadata: { debugger: false },
  };
}

/** Write the kernelspec (kernel.json, logos, plotly.min.js for figures); returns its folder. Replaces an earlier install of the same name. */
export function install(options: KernelspecLocation = {}): string {
  const dir = kernelspecDir(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelJson(options.name ?? DEFAULT_KERNEL_NAME), null, 2) + "\n");
  for (const logo of LOGOS) copyFileSync(path.join(REPO, "kernel", "logos", logo), path.join(dir, logo));
  copyFileSync(plotlyJsPath(), path.join(dir, PLOTLY_FILE));
  return dir;
}

/** Remove the kernelspec; returns the folder removed. */
export function uninstall(options: KernelspecLocation = {}): string {
  const dir = kernelspecDir(options);
  if (!existsSync(path.join(dir, "kernel.json"))) {
    throw new OptionError(`compactor kernel uninstall: no kernelspec at ${dir}; pass the same --user/--sys-prefix/--prefix/--name used to install it`, { file: dir });
  }
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
