// What every cell sees without importing: the compactor DSL (everything
// dist/src/index.js exports), the display functions, and the kernel's own
// helpers (comms, input, prompt). The DSL module is imported in the background
// after the kernel answers its first requests: it pulls in tfjs and
// onnxruntime, which take longer to load than the kernel itself.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { aliasIds, pointImportsAt } from "../src/cli/cells/module-alias.js";
import * as displayModule from "../src/display/index.js";
import type { Preload } from "./cells.js";
import { asInteropModule } from "./modules.js";
import { log } from "./io.js";

/** The compiled public surface, next to this file's compiled form (dist/kernel → dist/src). */
const DSL_PATH = fileURLToPath(new URL("../src/index.js", import.meta.url));
const DISPLAY_PATH = fileURLToPath(new URL("../src/display/index.js", import.meta.url));

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export const KERNEL_DECLARATIONS = `
/** Ask the user for a line of text (Jupyter's input box); resolves with what they typed. */
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;
/** Same as input(). */
declare function prompt(message?: string, options?: { password?: boolean }): Promise<string>;
`;

export interface KernelGlobals {
  readonly values: Readonly<Record<string, unknown>>;
  readonly declarations: string;
}

export async function loadPreload(kernelGlobals: KernelGlobals): Promise<Preload> {
  const sources: { namespace: Record<string, unknown>; typesPath: string }[] = [
    { namespace: displayModule as unknown as Record<string, unknown>, typesPath: DISPLAY_PATH },
  ];
  let dsl: Record<string, unknown> | undefined;
  if (existsSync(DSL_PATH)) {
    try {
      dsl = (await import(DSL_PATH)) as Record<string, unknown>;
      sources.push({ namespace: dsl, typesPath: DSL_PATH });
    } catch (error) {
      log(`the compactor DSL (${DSL_PATH}) failed to load, cells get only display functions: ${(error as Error).stack ?? String(error)}`);
    }
  } else {
    log(`the compactor DSL is not built (${DSL_PATH} is missing); run \`npm run build\`. Cells get only display functions.`);
  }

  const values: Record<string, unknown> = {};
  const typeOf = new Map<string, string>();
  for (const { namespace, typesPath } of sources) {
    for (const [name, value] of Object.entries(namespace)) {
      if (!IDENTIFIER.test(name) || name === "default") continue;
      values[name] = value;
      typeOf.set(name, typesPath.replace(/\.js$/, ""));
    }
  }
  const unreachable = typeof dsl?.unreachableSteps === "function" ? (dsl.unreachableSteps as (v: Record<string, unknown>) => string[])(values) : [];
  if (unreachable.length > 0) log(`registered steps not exported by the DSL, so cells cannot call them: ${unreachable.join(", ")}`);
  const declarations = [...typeOf].map(([name, from]) => `declare const ${name}: typeof import(${JSON.stringify(from)}).${name};`);
  Object.assign(values, kernelGlobals.values);

  const dslNamespace = asInteropModule(dsl ?? displayModule);
  const typedPath = (dsl ? DSL_PATH : DISPLAY_PATH).replace(/\.js$/, "");
  const aliases = new Map<string, unknown>(aliasIds("compactor", typedPath).map((id) => [id, dslNamespace]));
  return {
    values,
    declarations: `${declarations.join("\n")}\n${kernelGlobals.declarations}`,
    aliases,
    // `import … from "compactor"` is pointed at the built declarations so it type-checks
    // wherever the notebook lives, installed package or not.
    rewrite: (source) => pointImportsAt(source, "compactor", typedPath),
  };
}
