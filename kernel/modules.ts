// How cells load modules. The converter turns every `import` into `require`,
// which is synchronous, so before a cell runs its module ids are resolved here:
// CommonJS packages through require (from the notebook's folder first, then
// from compactor's own node_modules), ES modules through import() into a cache
// the synchronous require reads. `"compactor"` is the preloaded DSL.
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const kernelRequire = createRequire(import.meta.url);

export class CellModules {
  private readonly esmCache = new Map<string, unknown>();
  private readonly fromCwd = createRequire(path.join(process.cwd(), "notebook.js"));

  /**
   * @param aliases module ids answered with a fixed namespace (e.g. "compactor" and the DSL's
   *   absolute path, which cells use after the kernel rewrites their imports for type-checking).
   */
  constructor(private readonly aliases: ReadonlyMap<string, unknown>) {}

  /** The `require` converted cells call. */
  readonly require = ((id: string): unknown => {
    if (this.aliases.has(id)) return this.aliases.get(id);
    if (this.esmCache.has(id)) return this.esmCache.get(id);
    return this.requireCommonJs(id);
  }) as NodeJS.Require;

  /** Load the ES modules among the ids the converted cell requires, so `require` can return them. */
  async prepare(convertedJs: string): Promise<void> {
    for (const match of convertedJs.matchAll(/\brequire\("((?:[^"\\]|\\.)*)"\)/g)) {
      const id = JSON.parse(`"${match[1]!}"`) as string;
      if (this.aliases.has(id) || this.esmCache.has(id) || isBuiltin(id)) continue;
      try {
        this.requireCommonJs(id);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // ERR_REQUIRE_ASYNC_MODULE: Node 20.19+ requires ES modules, except those with a top-level await.
        const esmOnly = ["ERR_REQUIRE_ESM", "ERR_REQUIRE_ASYNC_MODULE", "ERR_PACKAGE_PATH_NOT_EXPORTED", "MODULE_NOT_FOUND"];
        if (!esmOnly.includes(code ?? "")) throw error;
        this.esmCache.set(id, asInteropModule(await this.importEsm(id)));
      }
    }
  }

  private requireCommonJs(id: string): unknown {
    try {
      return this.fromCwd(id);
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND" || id.startsWith(".") || path.isAbsolute(id)) throw error;
      return kernelRequire(id);
    }
  }

  private async importEsm(id: string): Promise<unknown> {
    if (id.startsWith(".") || path.isAbsolute(id)) return import(pathToFileURL(path.resolve(id)).href);
    try {
      return await import(pathToFileURL(this.fromCwd.resolve(id)).href);
    } catch {
      // An ESM-only package with an "exports" map has no require entry point: resolve it as
      // an import from compactor's location (packages installed next to compactor).
      return import(id);
    }
  }
}

/** TypeScript's import helpers treat `__esModule` objects as ES module namespaces. */
export function asInteropModule(namespace: unknown): unknown {
  if (typeof namespace !== "object" || namespace === null) return namespace;
  return Object.freeze({ ...namespace, __esModule: true });
}
