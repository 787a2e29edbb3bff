// TensorFlow AttrValue as TF.js model.json spells it (protobuf JSON): strings
// base64-encoded, 64-bit ints as decimal strings, dtypes as "DT_FLOAT". The
// writer builds them with TF_ATTR; the reader decodes them with the readers
// below, which tolerate both the string and number forms TF's converters emit.

export type TfDtype = "DT_FLOAT" | "DT_INT32" | "DT_BOOL" | "DT_INT64" | "DT_HALF" | "DT_DOUBLE" | "DT_UINT8" | "DT_INT8" | "DT_STRING";

export interface TfShape {
  readonly dim?: readonly { readonly size: string | number }[];
  readonly unknownRank?: boolean;
}

export interface TfAttrValue {
  readonly s?: string;
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: TfDtype | string;
  readonly shape?: TfShape;
  readonly tensor?: { readonly dtype: string; readonly tensorShape: TfShape };
  readonly list?: {
    readonly s?: readonly string[];
    readonly i?: readonly (string | number)[];
    readonly f?: readonly number[];
    readonly b?: readonly boolean[];
    readonly type?: readonly string[];
    readonly shape?: readonly TfShape[];
  };
  readonly func?: { readonly name: string };
}

export type TfAttrs = Readonly<Record<string, TfAttrValue>>;

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

export function tfShape(dims: readonly (number | null)[]): TfShape {
  return { dim: dims.map((d) => ({ size: String(d ?? -1) })) };
}

export const TF_ATTR = Object.freeze({
  s: (text: string): TfAttrValue => ({ s: base64(text) }),
  i: (n: number): TfAttrValue => ({ i: String(n) }),
  f: (x: number): TfAttrValue => ({ f: x }),
  b: (b: boolean): TfAttrValue => ({ b }),
  type: (t: TfDtype): TfAttrValue => ({ type: t }),
  ints: (ns: readonly number[]): TfAttrValue => ({ list: { i: ns.map(String) } }),
  strings: (ss: readonly string[]): TfAttrValue => ({ list: { s: ss.map(base64) } }),
  shape: (dims: readonly (number | null)[]): TfAttrValue => ({ shape: tfShape(dims) }),
});

// Readers: `undefined` when the attribute is absent; a malformed one returns undefined too,
// and the caller (which knows the node) reports it.
export function attrString(attrs: TfAttrs | undefined, name: string): string | undefined {
  const s = attrs?.[name]?.s;
  return typeof s === "string" ? Buffer.from(s, "base64").toString("utf8") : undefined;
}

export function attrInt(attrs: TfAttrs | undefined, name: string): number | undefined {
  const v = attrs?.[name]?.i;
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

export function attrFloat(attrs: TfAttrs | undefined, name: string): number | undefined {
  const a = attrs?.[name];
  return typeof a?.f === "number" ? a.f : attrInt(attrs, name);
}

export function attrBool(attrs: TfAttrs | undefined, name: string): boolean | undefined {
  const b = attrs?.[name]?.b;
  return typeof b === "boolean" ? b : undefined;
}

export function attrInts(attrs: TfAttrs | undefined, name: string): number[] | undefined {
  const list = attrs?.[name]?.list;
  if (list === undefined) return undefined;
  const raw = list.i ?? [];
  const ns = raw.map((v) => (typeof v === "number" ? v : Number(v)));
  return ns.every(Number.isSafeInteger) ? ns : undefined;
}

export function attrStrings(attrs: TfAttrs | undefined, name: string): string[] | undefined {
  const list = attrs?.[name]?.list;
  if (list === undefined) return undefined;
  return (list.s ?? []).map((s) => Buffer.from(s, "base64").toString("utf8"));
}

export function attrType(attrs: TfAttrs | undefined, name: string): string | undefined {
  const t = attrs?.[name]?.type;
  return typeof t === "string" ? t : undefined;
}

/** Dims of a TensorShapeProto (-1 unknown → null); undefined for an unknown rank. */
export function shapeDims(shape: TfShape | undefined): (number | null)[] | undefined {
  if (shape === undefined || shape.unknownRank) return undefined;
  return (shape.dim ?? []).map((d) => {
    const n = typeof d.size === "number" ? d.size : Number(d.size);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  });
}
