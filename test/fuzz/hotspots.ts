// Where a file's structure lives, so mutations hit parsers rather than weights:
// protobuf tags and length prefixes (ONNX), zip header fields, .npy headers and
// pickles inside zips (.npz, PyTorch checkpoints).

const MAX_HOTSPOTS = 4000;

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    value += (bytes[i] & 0x7f) * scale;
    scale *= 128;
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  return undefined;
}

/** Offsets of tags and length prefixes in a protobuf message, nested messages included. */
export function protobufHotspots(bytes: Uint8Array, start = 0, end = bytes.length, depth = 0, out: number[] = []): number[] {
  let at = start;
  while (at < end && out.length < MAX_HOTSPOTS) {
    const tag = readVarint(bytes, at);
    if (!tag || tag.value === 0) return out;
    out.push(at);
    const wire = tag.value % 8;
    at = tag.next;
    if (wire === 0) {
      const v = readVarint(bytes, at);
      if (!v) return out;
      out.push(at);
      at = v.next;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = readVarint(bytes, at);
      if (!length || length.next + length.value > end) return out;
      out.push(at);
      // Nested messages parse as protobuf; strings and raw tensor bytes mostly
      // stop at once. Deep enough for model → graph → node → attribute → tensor.
      if (depth < 6) protobufHotspots(bytes, length.next, length.next + length.value, depth + 1, out);
      at = length.next + length.value;
    } else return out;
  }
  return out;
}

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

const range = (from: number, length: number) => Array.from({ length }, (_, i) => from + i);

/**
 * Zip header fields (sizes, name lengths, offsets, entry counts) and the first
 * bytes of each entry's data: .npy headers, pickles.
 */
export function zipHotspots(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 4 <= bytes.length && out.length < MAX_HOTSPOTS; at++) {
    if (bytes[at] !== 0x50 || bytes[at + 1] !== 0x4b) continue;
    const sig = u32(bytes, at);
    if (sig === 0x04034b50 && at + 30 <= bytes.length) {
      out.push(at + 8, at + 18, at + 22, at + 26, at + 28);
      const dataStart = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
      const dataLength = Math.min(u32(bytes, at + 18), 256, bytes.length - dataStart);
      if (dataLength > 0) out.push(...range(dataStart, dataLength));
    } else if (sig === 0x02014b50) out.push(at + 10, at + 20, at + 24, at + 28, at + 30, at + 32, at + 42);
    else if (sig === 0x06054b50) out.push(at + 8, at + 10, at + 12, at + 16, at + 20);
    else if (sig === 0x06064b50) out.push(at + 4, at + 24, at + 32, at + 40, at + 48);
    else if (sig === 0x07064b50) out.push(at + 8);
  }
  return out.filter((o) => o < bytes.length);
}

/** A bare .npy: its magic, version, header length and every header byte. */
export function npyHotspots(bytes: Uint8Array): number[] {
  const headerLength = bytes.length >= 10 ? u16(bytes, 8) : 0;
  return range(0, Math.min(bytes.length, 10 + headerLength));
}
