// Mutations of a real file's bytes, as fast-check arbitraries. Random bit
// flips mostly land in weights and prove little, so most mutations aim at the
// format's structure: the offsets a target names as hot (length fields, tags,
// zip headers) receive boundary integers in the encodings parsers read
// (little-endian 32/64-bit, protobuf varints, ASCII digits), and formats with a
// JSON part get whole-value edits (huge numbers, negative sizes, paths that
// leave the folder, wrong types).
import fc from "fast-check";

export type Mutation =
  | { readonly kind: "flip"; readonly offset: number; readonly bit: number }
  | { readonly kind: "truncate"; readonly length: number }
  | { readonly kind: "overwrite"; readonly offset: number; readonly bytes: readonly number[] }
  | { readonly kind: "insert"; readonly offset: number; readonly bytes: readonly number[] }
  | { readonly kind: "json"; readonly leaf: number; readonly value: unknown };

/** A JSON part inside a file: safetensors' header, TF.js's model.json. */
export interface JsonView {
  read(bytes: Uint8Array): unknown;
  write(bytes: Uint8Array, json: unknown): Uint8Array;
}

const BOUNDARY = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 40n, (1n << 53n) + 1n, (1n << 63n) - 1n, (1n << 64n) - 1n];

function littleEndian(value: bigint, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return out;
}

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

const ascii = (value: bigint) => [...value.toString()].map((c) => c.charCodeAt(0));

const encodedBoundary: fc.Arbitrary<number[]> = fc
  .tuple(fc.constantFrom(...BOUNDARY), fc.constantFrom("le16", "le32", "le64", "varint", "ascii", "byte"))
  .map(([value, encoding]) => {
    switch (encoding) {
      case "le16":
        return littleEndian(value, 2);
      case "le32":
        return littleEndian(value, 4);
      case "le64":
        return littleEndian(value, 8);
      case "varint":
        return varint(value);
      case "ascii":
        return ascii(value);
      default:
        return [Number(value & 0xffn)];
    }
  });

/** Values a JSON leaf is replaced with: sizes, offsets, shapes and paths that lie. */
const HOSTILE_JSON: readonly unknown[] = [
  -1, 0, 1.5, 1e12, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, "", "../../../../etc/passwd", "/etc/passwd", "..", "a/../../b",
  null, true, [], {}, [1e9, 1e9, 1e9], [-3], "F32", "float32", "x".repeat(10_000),
];

export function mutationArbitrary(size: number, hotspots: readonly number[], json?: { leaves: number }): fc.Arbitrary<Mutation> {
  const anyOffset = fc.nat({ max: Math.max(0, size - 1) });
  const offset = hotspots.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...hotspots), weight: 3 }, { arbitrary: anyOffset, weight: 1 }) : anyOffset;
  const options: fc.WeightedArbitrary<Mutation>[] = [
    { arbitrary: fc.record({ kind: fc.constant("flip" as const), offset, bit: fc.nat({ max: 7 }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("truncate" as const), length: fc.nat({ max: Math.max(0, size - 1) }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant("overwrite" as const), offset, bytes: encodedBoundary }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant("insert" as const), offset, bytes: encodedBoundary }), weight: 1 },
  ];
  if (json && json.leaves > 0) {
    options.push({
      arbitrary: fc.record({ kind: fc.constant("json" as const), leaf: fc.nat({ max: json.leaves - 1 }), value: fc.constantFrom(...HOSTILE_JSON) }),
      weight: 4,
    });
  }
  return fc.oneof(...options);
}

/** Calls `visit` for each leaf (number, string, boolean, null) of a JSON value, in a fixed order. */
function forEachLeaf(value: unknown, visit: (parent: Record<string, unknown> | unknown[], key: string | number) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => (item !== null && typeof item === "object" ? forEachLeaf(item, visit) : visit(value, i)));
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item !== null && typeof item === "object") forEachLeaf(item, visit);
      else visit(record, key);
    }
  }
}

export function countLeaves(json: unknown): number {
  let n = 0;
  forEachLeaf(json, () => n++);
  return n;
}

function replaceLeaf(json: unknown, leaf: number, value: unknown): unknown {
  const copy = structuredClone(json);
  let i = 0;
  forEachLeaf(copy, (parent, key) => {
    if (i++ === leaf) (parent as Record<string | number, unknown>)[key] = structuredClone(value);
  });
  return copy;
}

export function applyMutation(bytes: Uint8Array, m: Mutation, json?: JsonView): Uint8Array {
  switch (m.kind) {
    case "flip": {
      const out = bytes.slice();
      if (m.offset < out.length) out[m.offset] ^= 1 << m.bit;
      return out;
    }
    case "truncate":
      return bytes.slice(0, m.length);
    case "overwrite": {
      const out = bytes.slice();
      m.bytes.forEach((b, i) => {
        if (m.offset + i < out.length) out[m.offset + i] = b;
      });
      return out;
    }
    case "insert": {
      const at = Math.min(m.offset, bytes.length);
      const out = new Uint8Array(bytes.length + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      return out;
    }
    case "json": {
      // A JSON edit applies to the file as the seed had it; after byte damage
      // the JSON may no longer parse, and then the edit is a no-op.
      if (!json) return bytes;
      let parsed: unknown;
      try {
        parsed = json.read(bytes);
      } catch {
        return bytes;
      }
      return json.write(bytes, replaceLeaf(parsed, m.leaf, m.value));
    }
  }
}

export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[], json?: JsonView): Uint8Array {
  // JSON edits first, so they see the seed's structure; byte damage after.
  const ordered = [...mutations.filter((m) => m.kind === "json"), ...mutations.filter((m) => m.kind !== "json")];
  return ordered.reduce((b, m) => applyMutation(b, m, json), bytes);
}
