// PyTorch's legacy serialization (PyTorch < 1.6, or torch.save with
// _use_new_zipfile_serialization=False): a pickled magic number first, or an
// even older tar archive. Recognised only so it can be refused clearly.

/** PROTO 2, LONG1 0x1950a86a20f9469cfc6c: the magic number torch's legacy pickles start with. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

export function isLegacyTorchFile(bytes: Uint8Array): boolean {
  const tar = bytes.length > 262 && new TextDecoder("latin1").decode(bytes.subarray(257, 262)) === "ustar";
  return tar || LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}
