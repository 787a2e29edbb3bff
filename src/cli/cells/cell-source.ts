// What a cell's source needs before tslab's converter sees it, so that names
// from earlier cells work in every position (shared by the kernel and the REPL).
//
// tslab refers to an earlier cell's name by replacing each identifier the type
// checker resolves to an earlier declaration with `exports.name`. Two kinds of
// position slip through that identifier-by-identifier rewrite:
//   - a shorthand property `{ tt }`: the checker resolves the identifier to the
//     new object's *property*, not to the variable, and an identifier that is
//     both key and value cannot become `exports.tt` anyway. Writing it out as
//     `{ tt: tt }` (the same meaning, in object literals and destructuring
//     assignments alike) leaves a plain value reference, which the checker
//     resolves correctly, shadowing included;
//   - `export` forms: tslab exports every top-level name itself (it appends
//     `export { … }`), so `export const x` is a redeclaration, `export { tt }`
//     resets tt to undefined and `export default` replaces every earlier
//     declaration. In a cell `export` adds nothing: the keyword is dropped,
//     `export { a as b }` becomes `const b = a`, `export { x } from "m"` becomes
//     `import { x } from "m"`, and the forms that name nothing are refused.
// The edits are recorded so diagnostics point at the text as typed.
import { createRequire } from "node:module";
import type { Diagnostic } from "tslab/dist/converter.js";

type TypeScript = typeof import("@tslab/typescript-for-tslab");
type Node = import("@tslab/typescript-for-tslab").Node;
type SourceFile = import("@tslab/typescript-for-tslab").SourceFile;

const require = createRequire(import.meta.url);
let typescript: TypeScript | undefined;
/** tslab's own TypeScript, loaded on first use (it takes a while; the REPL's prompt comes first). */
function ts(): TypeScript {
  return (typescript ??= require("@tslab/typescript-for-tslab") as TypeScript);
}

/** Replace original [start, end) with text. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface PreparedCell {
  /** The source handed to the converter. */
  readonly source: string;
  /** Forms a cell cannot have (e.g. `export default 1`), as diagnostics on the source as typed. */
  readonly diagnostics: Diagnostic[];
  /**
   * Top-level `let`/`var` names this cell declares: a later cell may assign them,
   * and this cell's own functions must then see the new value (see cell-scope.ts).
   */
  readonly mutableNames: string[];
  /** An offset in `source` → the offset in the source as typed. */
  toOriginal(offset: number): number;
}

export function prepareCell(original: string): PreparedCell {
  const t = ts();
  const file = t.createSourceFile("cell.ts", original, t.ScriptTarget.Latest, true, t.ScriptKind.TS);
  const edits: Edit[] = [];
  const refusals: { node: Node; message: string }[] = [];
  for (const statement of file.statements) exportForm(t, file, statement, edits, refusals);
  const expand = (node: Node): void => {
    if (t.isShorthandPropertyAssignment(node)) {
      const name = node.name.text;
      edits.push({ start: node.name.getStart(file), end: node.name.getStart(file), text: `${name}: ` });
    }
    t.forEachChild(node, expand);
  };
  expand(file);
  edits.sort((a, b) => a.start - b.start);
  const source = applyEdits(original, edits);
  const diagnostics = refusals.map(({ node, message }) => diagnosticAt(t, file, node, message));
  return { source, diagnostics, mutableNames: mutableTopLevelNames(t, file), toOriginal: (offset) => toOriginal(edits, offset) };
}

/** Maps every diagnostic of the prepared source back onto the source as typed. */
export function mapDiagnostics(prepared: PreparedCell, original: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const at = (offset: number) => position(original, prepared.toOriginal(offset));
  // Diagnostics in other files (modules the cell imports) keep their own positions.
  return diagnostics.map((d) => (d.fileName ? d : { ...d, start: at(d.start.offset), end: at(d.end.offset) }));
}

function exportForm(t: TypeScript, file: SourceFile, statement: Node, edits: Edit[], refusals: { node: Node; message: string }[]): void {
  if (t.isExportAssignment(statement)) {
    const form = statement.isExportEquals ? "export =" : "export default";
    refusals.push({ node: statement, message: `\`${form}\` has no meaning in a cell: every top-level name is already visible to later cells. Give the value a name instead (\`const value = …\`).` });
    return;
  }
  if (t.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    if (statement.moduleSpecifier) {
      if (!clause) {
        refusals.push({ node: statement, message: '`export * from "…"` names nothing in a cell; import the names you need (`import { a, b } from "…"`).' });
        return;
      }
      // `export { x } from "m"` and `export * as ns from "m"`: the same names as the import.
      const keyword = statement.getChildAt(0, file);
      edits.push({ start: keyword.getStart(file), end: keyword.getEnd(), text: "import" });
      return;
    }
    // `export { a, b as c }`: a is already shared; c becomes a new name for a.
    const renames = clause && t.isNamedExports(clause) ? clause.elements.filter((e) => e.propertyName && e.propertyName.text !== e.name.text) : [];
    const text = renames.length > 0 ? `const ${renames.map((e) => `${e.name.text} = ${e.propertyName!.text}`).join(", ")};` : "";
    edits.push({ start: statement.getStart(file), end: statement.getEnd(), text });
    return;
  }
  const modifiers = t.canHaveModifiers(statement) ? (t.getModifiers(statement) ?? []) : [];
  const exported = modifiers.find((m) => m.kind === t.SyntaxKind.ExportKeyword);
  if (!exported) return;
  const byDefault = modifiers.find((m) => m.kind === t.SyntaxKind.DefaultKeyword);
  const named = (statement as { name?: Node }).name !== undefined;
  if (byDefault && !named) {
    refusals.push({ node: statement, message: "`export default` of an unnamed function or class has no meaning in a cell: give it a name (`function train() {…}`)." });
    return;
  }
  const end = (byDefault ?? exported).getEnd();
  // Spaces of the same length: offsets after it stay the same.
  edits.push({ start: exported.getStart(file), end, text: " ".repeat(end - exported.getStart(file)) });
}

/** Names of top-level `let`/`var` declarations, and of `var`s in top-level blocks (they are top-level too). */
function mutableTopLevelNames(t: TypeScript, file: SourceFile): string[] {
  const names: string[] = [];
  const bindingNames = (name: import("@tslab/typescript-for-tslab").BindingName): void => {
    if (t.isIdentifier(name)) names.push(name.text);
    else for (const element of name.elements) if (!t.isOmittedExpression(element)) bindingNames(element.name);
  };
  const visit = (node: Node, topLevel: boolean): void => {
    if (t.isFunctionLike(node) || t.isClassLike(node) || t.isModuleDeclaration(node)) return;
    if (t.isVariableDeclarationList(node)) {
      const blockScoped = (node.flags & t.NodeFlags.BlockScoped) !== 0;
      const isLet = (node.flags & t.NodeFlags.Let) !== 0;
      if ((blockScoped && isLet && topLevel) || !blockScoped) for (const d of node.declarations) bindingNames(d.name);
    }
    t.forEachChild(node, (child) => visit(child, topLevel && (t.isVariableStatement(node) || node === file)));
  };
  visit(file, true);
  return [...new Set(names)];
}

function applyEdits(original: string, edits: readonly Edit[]): string {
  let out = "";
  let at = 0;
  for (const edit of edits) {
    out += original.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + original.slice(at);
}

function toOriginal(edits: readonly Edit[], offset: number): number {
  let shift = 0;
  for (const edit of edits) {
    const newStart = edit.start + shift;
    if (offset < newStart) break;
    // Inside an edit's new text: point at where the edit begins in the source as typed.
    if (offset < newStart + edit.text.length) return edit.start;
    shift += edit.text.length - (edit.end - edit.start);
  }
  return offset - shift;
}

function position(source: string, offset: number): Diagnostic["start"] {
  const before = source.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { offset, line, character: offset - (before.lastIndexOf("\n") + 1) };
}

function diagnosticAt(t: TypeScript, file: SourceFile, node: Node, message: string): Diagnostic {
  const source = file.text;
  // Code 0: these are compactor's own rules, not TypeScript's.
  return { start: position(source, node.getStart(file)), end: position(source, node.getEnd()), messageText: message, category: t.DiagnosticCategory.Error, code: 0 };
}
