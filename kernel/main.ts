// Entry point Jupyter starts: `compactor kernel --connection-file F` (through
// the CLI) or `node dist/kernel/main.js --connection-file F`.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { OptionError } from "../src/core/errors.js";
import { readConnection } from "./connection.js";
import { log } from "./io.js";
import { Kernel } from "./kernel.js";

export async function runKernel(connectionFile: string): Promise<never> {
  const kernel = new Kernel(readConnection(connectionFile));
  try {
    await kernel.start();
  } catch (error) {
    log(`kernel failed: ${(error as Error).stack ?? String(error)}`);
    return kernel.stop(1);
  }
  // The receive loops serve from here on; shutdown_request ends the process (Kernel.stop).
  return new Promise<never>(() => {});
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { "connection-file": { type: "string", short: "f" } } });
  const file = values["connection-file"];
  if (!file) throw new OptionError("kernel: --connection-file FILE is required (Jupyter passes it; see `compactor kernel install`)");
  await runKernel(file);
}
