// Importing this module registers every quantize step (src/model/registered-steps.ts imports it).
import "./weights.js";
import "./dynamic.js";
import "./static.js";
import "./qat.js";
