// The mapping as a table: which graph initializer got which state_dict
// entries, how it was matched, and what was done to the values.
import { table, type Table } from "../../display/table.js";
import type { WeightsOntoGraphResult } from "./map.js";

export function mappingTable(result: WeightsOntoGraphResult): Table {
  const rows = result.mapping.map((m) => ({
    initializer: m.initializer,
    node: `${m.op} ${m.node}`,
    "state_dict": m.keys.filter((k) => !k.endsWith("num_batches_tracked")).map((k) => result.prefix + k).join(" + "),
    by: m.how,
    note: m.note ?? "",
  }));
  const n = result.foldedBatchNorms.length;
  const footer = n === 0 ? undefined : `${n} BatchNorm${n > 1 ? "s" : ""} folded into convs with ε = ${result.batchNormEpsilon} (a state_dict does not store ε; ` +
    `PyTorch's default is 1e-5, torchvision's MobileNetV3 and EfficientNetV2 use 1e-3: --bn-eps sets it)`;
  return table(rows, { title: `weights onto the graph: ${result.mapping.length} initializers`, ...(footer ? { footer } : {}) });
}
