// Draws kernel/logos/logo-32x32.png and logo-64x64.png: a blue square with a
// white "funnel" (a wide network narrowing down: compaction). Written by hand
// with zlib so no image tool or Python is needed. Run: node scripts/make-kernel-logos.mjs
import { writeFileSync, mkdirSync } from "node:fs";
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size, v = (y + 0.5) / size;
      // A funnel: half-width shrinks from 0.4 at the top to 0.08 at the bottom.
      const half = 0.4 - 0.32 * Math.min(1, Math.max(0, (v - 0.18) / 0.64));
      const inFunnel = v > 0.18 && v < 0.82 && Math.abs(u - 0.5) < half;
      const [r, g, b] = inFunnel ? [255, 255, 255] : [49, 120, 198];
      row.set([r, g, b, 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}
const dir = new URL("../kernel/logos/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const size of [32, 64]) writeFileSync(new URL(`logo-${size}x${size}.png`, dir), png(size));
