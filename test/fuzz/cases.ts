// The cases of one fuzz campaign, drawn by fast-check from the target's seeds:
// the same (target, runs, seed) always gives the same cases, so a defect is
// reproduced from its index alone.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { countLeaves, mutationArbitrary, type Mutation } from "./mutations.js";
import type { FuzzTarget } from "./targets.js";

export interface FuzzCase {
  readonly index: number;
  readonly seed: string;
  readonly mutations: readonly Mutation[];
}

export interface Seed {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export function readSeeds(target: FuzzTarget, root: string): Seed[] {
  return target.seeds.map((path) => ({ path, bytes: new Uint8Array(readFileSync(join(root, path))) }));
}

export function drawCases(target: FuzzTarget, seeds: readonly Seed[], runs: number, seed: number): FuzzCase[] {
  const perSeed = seeds.map((s, i) => {
    let leaves = 0;
    if (target.json) {
      try {
        leaves = countLeaves(target.json.read(s.bytes));
      } catch {
        leaves = 0;
      }
    }
    const mutation = mutationArbitrary(s.bytes.length, target.hotspots(s.bytes), { leaves });
    return fc.record({ seed: fc.constant(i), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) });
  });
  const arbitrary = fc.oneof(...perSeed);
  return fc.sample(arbitrary, { numRuns: runs, seed }).map((c, index) => ({ index, seed: seeds[c.seed]!.path, mutations: c.mutations }));
}
