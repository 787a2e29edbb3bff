// Where Jupyter and compactor keep files, computed the way jupyter_core does,
// so no Python is needed to install a kernelspec or find the history file.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository / installed package root: the nearest folder above this file with package.json (from src or dist alike). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** jupyter_core's user data dir: $JUPYTER_DATA_DIR, else ~/Library/Jupyter (macOS), %APPDATA%\jupyter, or $XDG_DATA_HOME/jupyter. */
export function jupyterUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32" && env.APPDATA) return path.join(env.APPDATA, "jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

/** The history file: $COMPACTOR_HISTORY_FILE, else $XDG_DATA_HOME/compactor/kernel-history.json. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.COMPACTOR_HISTORY_FILE) return env.COMPACTOR_HISTORY_FILE;
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "compactor", "kernel-history.json");
}
