// Random ops shape inference knows; no tfjs runtime implements them (see shapeOnly).
import { NOT_ON_TFJS_YET, defineOp, versionsOf } from "./define.js";


export const RandomUniformLike = defineOp("RandomUniformLike", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const RandomNormalLike = defineOp("RandomNormalLike", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Bernoulli = defineOp("Bernoulli", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });

export const randomOps = versionsOf(RandomUniformLike, RandomNormalLike, Bernoulli);
