// The prune family: prune.magnitude, prune.gradual and prune.channels, as one
// frozen namespace (what src/index.ts exports and the kernel and REPL preload).
import { magnitude } from "./magnitude.js";
import { gradual } from "./gradual.js";
import { channels } from "./channels.js";

export const prune = Object.freeze({ magnitude, gradual, channels });

export type { MagnitudeOptions } from "./magnitude.js";
export type { GradualOptions } from "./gradual.js";
export type { ChannelsOptions, Importance } from "./channels.js";
