// One cell through tslab's converter, with the preparation of cell-source.ts:
// the converter sees the prepared source, diagnostics come back on the source
// as typed, and the result says which names a later cell may reassign.
import type { Converter, ConvertResult } from "tslab/dist/converter.js";
import { mapDiagnostics, prepareCell } from "./cell-source.js";

export interface CellConversion extends ConvertResult {
  /** Top-level let/var names of this cell (see CellScope.wrap). */
  mutableNames: string[];
}

export function convertCell(converter: Converter, prevDecl: string, source: string): CellConversion {
  const prepared = prepareCell(source);
  // Forms a cell cannot have are reported alone: converting them would only add confusing errors.
  if (prepared.diagnostics.length > 0) return { diagnostics: prepared.diagnostics, mutableNames: [] };
  const converted = converter.convert(prevDecl, prepared.source);
  return { ...converted, diagnostics: mapDiagnostics(prepared, source, converted.diagnostics), mutableNames: prepared.mutableNames };
}
