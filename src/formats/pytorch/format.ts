// PyTorch checkpoints (torch.save) as a registered weights format: read only.
// Content test: a zip whose first entry is <name>/data.pkl (or, for torch.save
// with a record name, any entry under one folder ending in data.pkl), or the
// legacy format's magic number so its reader can say why it is refused.
import type { FileFormat } from "../format.js";
import { firstZipEntryName } from "../numpy/format.js";
import { isLegacyTorchFile } from "./legacy.js";

export const PYTORCH_FORMAT: FileFormat = {
  name: "pytorch",
  description: "PyTorch checkpoint (torch.save of a state_dict, zip format)",
  kind: "weights",
  extensions: [".pt", ".pth", ".bin", ".ckpt"],
  sniff: ({ bytes, isDirectory }) => !isDirectory && (/^[^/]+\/data\.pkl$/.test(firstZipEntryName(bytes) ?? "") || isLegacyTorchFile(bytes)),
  readWeights: async (path) => (await (await import("./state-dict.js")).readTorch(path)).tensors,
};
