// `import … from "compactor"` in a cell: the package need not be installed where
// the notebook lives (nor be resolvable by that name at all, as in a clone of
// compactor itself), so such imports are pointed at the built declarations for
// type-checking, and the cell's `require` answers that path with the preloaded
// library.

/** Every `from "name"`, `import("name")` and `require("name")` of `name` in `source`, pointed at `typedPath`. */
export function pointImportsAt(source: string, name: string, typedPath: string): string {
  const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const pattern = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*|\\brequire\\s*\\(\\s*)(["'])${quoted}\\2`, "g");
  return source.replace(pattern, (_m, lead: string) => `${lead}${JSON.stringify(typedPath)}`);
}

/** The module ids a cell may require for the aliased module once its imports are pointed at `typedPath`. */
export function aliasIds(name: string, typedPath: string): string[] {
  return [name, typedPath, `${typedPath}.js`];
}
