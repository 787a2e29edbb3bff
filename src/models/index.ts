// `models.*`: zoo constructors returning Models whose source is the equivalent
// spec, so a recipe made from them names the same starting point.
import { Model } from "../model/model.js";
import { cnn, fromSpec, lenet5, mlp, type CnnOptions, type MlpOptions } from "./zoo.js";
import { OptionError } from "../core/errors.js";

function mlpSpec(sizes: readonly number[], options: MlpOptions): string {
  const extras = (["dropout", "inputDropout", "seed"] as const)
    .filter((k) => options[k] !== undefined)
    .map((k) => `${k}=${options[k]}`);
  return [`mlp:${sizes.join("-")}`, ...extras].join(",");
}

export const models = Object.freeze({
  mlp(sizes: readonly number[], options: MlpOptions = {}): Model {
    return new Model(mlp(sizes, options), { source: mlpSpec(sizes, options) });
  },
  lenet5(options: { seed?: number; classes?: number } = {}): Model {
    const extras = Object.entries(options).map(([k, v]) => `${k}=${v}`);
    return new Model(lenet5(options), { source: ["lenet5", ...extras].join(",") });
  },
  cnn(options: CnnOptions = {}): Model {
    const graph = cnn(options);
    const simple = options.input === undefined && options.batchNorm === undefined;
    const extras = (["seed", "classes"] as const).filter((k) => options[k] !== undefined).map((k) => `${k}=${options[k]}`);
    const source = simple ? [`cnn:${(options.channels ?? [16, 32]).join("-")}`, ...extras].join(",") : undefined;
    return new Model(graph, source ? { source } : {});
  },
  /** "mlp:784-300-100-10", "lenet5", "cnn:16-32" → Model. */
  fromSpec(spec: string): Model {
    const graph = fromSpec(spec);
    if (!graph) throw new OptionError(`"${spec}" is not a model spec; specs look like mlp:784-300-100-10, lenet5 or cnn:16-32`);
    return new Model(graph, { source: spec });
  },
});
