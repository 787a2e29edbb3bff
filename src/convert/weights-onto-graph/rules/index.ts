// The weight rules, one line per op family; ops without one use GENERIC_RULE.
import { CONV_RULE } from "./conv.js";
import { GENERIC_RULE } from "./generic.js";
import { BIAS_ADD_RULE, GEMM_RULE, MATMUL_RULE } from "./linear.js";
import { NORM_RULES } from "./norm.js";
import { RECURRENT_RULE } from "./recurrent.js";
import type { NodeRule } from "./types.js";

export const RULES: readonly NodeRule[] = [CONV_RULE, GEMM_RULE, MATMUL_RULE, BIAS_ADD_RULE, RECURRENT_RULE, ...NORM_RULES];

/** The rules to try for an op: its own, then the generic one unless its own rule alone decides. */
export function rulesFor(opType: string): readonly NodeRule[] {
  const own = RULES.filter((r) => r.opTypes.includes(opType));
  return own.length === 0 || own.every((r) => r.thenGeneric) ? [...own, GENERIC_RULE] : own;
}

export { GENERIC_RULE };
export type { Assignment, MapContext, Match, NodeRule, Pending } from "./types.js";
