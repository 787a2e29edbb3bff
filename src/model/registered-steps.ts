// Every step compactor has, one import per step module: importing a module
// registers its steps (src/model/step-registry.ts). Adding a step family is its
// own folder plus one line here. Also wires the registry's model resolver.
import "../train/steps.js";
import "../compress/distill/step.js";
import "../compress/prune/index.js";
import { modelFromReference } from "./references.js";
import { setModelResolver } from "./step-registry.js";

setModelResolver(modelFromReference);
