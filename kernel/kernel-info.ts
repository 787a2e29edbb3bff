// The kernel_info_reply content: who we are and what language cells are in.
import { createRequire } from "node:module";
import path from "node:path";
import { packageRoot } from "./paths.js";
import { PROTOCOL_VERSION } from "./wire.js";

const require = createRequire(import.meta.url);

export function kernelInfo(): Record<string, unknown> {
  const compactor = require(path.join(packageRoot(), "package.json")) as { version: string };
  const typescript = require("@tslab/typescript-for-tslab/package.json") as { version: string };
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "compactor",
    implementation_version: compactor.version,
    language_info: {
      name: "typescript",
      version: typescript.version,
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: { name: "javascript", typescript: true },
      pygments_lexer: "typescript",
      nbconvert_exporter: "script",
    },
    banner: `compactor ${compactor.version}: TypeScript ${typescript.version} on Node.js ${process.version}. The DSL (load, models, datasets, train, prune, quantize, distill, compare, display, plot) is preloaded.`,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/api/" },
    ],
    debugger: false,
  };
}
