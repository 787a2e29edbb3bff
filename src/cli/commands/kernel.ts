// compactor kernel — the Jupyter kernel (started by Jupyter with
// --connection-file) and its kernelspec: `kernel install` / `kernel uninstall`.
import { OptionError } from "../../core/errors.js";
import type { Command } from "../command.js";

export const kernelCommand: Command = {
  name: "kernel",
  summary: "the Jupyter kernel: `kernel install [--user|--sys-prefix|--prefix P] [--name N]`, `kernel uninstall`",
  usage: "kernel install|uninstall [--user | --sys-prefix | --prefix P] [--name N]\n       compactor kernel --connection-file FILE   (how Jupyter starts it)",
  help: [
    ["--user", "install into the user's Jupyter data dir ($JUPYTER_DATA_DIR or ~/.local/share/jupyter; the default)"],
    ["--sys-prefix", "install into the Python environment's share/jupyter (asks python3 for sys.prefix)"],
    ["--prefix P", "install into P/share/jupyter"],
    ["--name N", "kernelspec name (default compactor)"],
    ["--connection-file FILE", "run the kernel with Jupyter's connection file"],
  ],
  options: {
    user: { type: "boolean" },
    "sys-prefix": { type: "boolean" },
    prefix: { type: "string" },
    name: { type: "string" },
    "connection-file": { type: "string", short: "f" },
  },
  positionals: [0, 1],
  async run(input) {
    const action = input.positionals[0];
    const connectionFile = input.values["connection-file"];
    if (action === undefined) {
      if (typeof connectionFile !== "string") {
        throw new OptionError("compactor kernel: give `install`, `uninstall`, or --connection-file FILE (Jupyter passes it after `compactor kernel install`)");
      }
      // The kernel package is loaded only here: other commands should not pay for zeromq.
      const { runKernel } = await import("../../../kernel/main.js");
      await runKernel(connectionFile);
      return undefined;
    }
    if (action !== "install" && action !== "uninstall") {
      throw new OptionError(`compactor kernel: unknown action "${action}"; must be one of [install, uninstall]`);
    }
    const { install, uninstall, kernelJson } = await import("../../../kernel/install.js");
    const location = {
      user: input.values.user === true,
      sysPrefix: input.values["sys-prefix"] === true,
      prefix: typeof input.values.prefix === "string" ? input.values.prefix : undefined,
      name: typeof input.values.name === "string" ? input.values.name : undefined,
    };
    if (action === "install") {
      const dir = install(location);
      return { json: { installed: dir, kernel: kernelJson(location.name ?? "compactor") }, text: `Installed the compactor kernelspec in ${dir}` };
    }
    const dir = uninstall(location);
    return { json: { removed: dir }, text: `Removed the kernelspec ${dir}` };
  },
};
