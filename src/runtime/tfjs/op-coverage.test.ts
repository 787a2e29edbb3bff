// The op table's two consumers cover each other: every version the tfjs
// runtime implements has a shape rule, and every op with a shape rule is
// implemented or marked shape only with the reason, per domain.
import { describe, expect, it } from "vitest";
import { OP_TABLE } from "../../graph/ops/index.js";
import { shapeRuleOf } from "../../graph/shape-inference/index.js";
import { opRegistry } from "./compile.js";

const registry = opRegistry();
const name = (domain: string, opType: string, since?: number) => `${domain || "ai.onnx"} ${opType}${since === undefined ? "" : ` since ${since}`}`;

describe("op table coverage", () => {
  const ops = OP_TABLE.ops();

  it("lists ops of every domain it covers", () => {
    expect(ops.length).toBeGreaterThan(0);
    expect(new Set(ops.map((o) => o.domain))).toContain("");
  });

  it("every version the tfjs runtime implements has a shape rule", () => {
    const missing = ops.flatMap((op) =>
      op.versions.filter((v) => registry.implementation(v) && !shapeRuleOf(v)).map((v) => name(op.domain, op.opType, v.since)),
    );
    expect(missing).toEqual([]);
  });

  it("once the runtime implements an op, it implements every later version", () => {
    // Otherwise a newer opset would make a supported op unsupported.
    const holes = ops.flatMap((op) => {
      const first = op.versions.findIndex((v) => registry.implementation(v));
      return first < 0 ? [] : op.versions.slice(first).filter((v) => !registry.implementation(v)).map((v) => name(op.domain, op.opType, v.since));
    });
    expect(holes).toEqual([]);
  });

  it("every op with a shape rule is implemented or marked shape only, with its reason", () => {
    const problems: string[] = [];
    for (const op of ops) {
      const implemented = op.versions.some((v) => registry.implementation(v));
      const shaped = op.versions.some((v) => shapeRuleOf(v));
      const reasons = new Set(op.versions.map((v) => v.shapeOnly));
      const reason = op.versions[0]!.shapeOnly;
      if (!implemented && !shaped) problems.push(`${name(op.domain, op.opType)}: no shape rule and no implementation`);
      if (reasons.size > 1) problems.push(`${name(op.domain, op.opType)}: versions disagree on shapeOnly`);
      if (!implemented && shaped && !reason?.trim()) problems.push(`${name(op.domain, op.opType)}: shape only, but not marked so with a reason`);
      if (implemented && reason !== undefined) problems.push(`${name(op.domain, op.opType)}: marked shape only but the tfjs runtime implements it`);
    }
    expect(problems).toEqual([]);
  });
});
