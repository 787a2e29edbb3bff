// Units and their coupling: a union-find over unit ids, with the reasons a
// unit must stay (pins) merged along with it.
import type { Positions, UnitId } from "./types.js";

export class Units {
  private readonly parent: number[] = [];
  private readonly rank: number[] = [];
  private readonly pins = new Map<UnitId, Set<string>>();

  get count(): number {
    return this.parent.length;
  }

  fresh(count: number): Positions {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.parent.length;
      this.parent.push(this.parent.length);
      this.rank.push(0);
    }
    return out;
  }

  find(u: UnitId): UnitId {
    let root = u;
    while (this.parent[root] !== root) root = this.parent[root]!;
    // Path compression keeps later finds short.
    let x = u;
    while (this.parent[x] !== root) {
      const next = this.parent[x]!;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }

  union(a: UnitId, b: UnitId): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.rank[ra]! < this.rank[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    if (this.rank[ra] === this.rank[rb]) this.rank[ra]!++;
    const moved = this.pins.get(rb);
    if (moved) {
      const into = this.pins.get(ra) ?? new Set<string>();
      for (const r of moved) into.add(r);
      this.pins.set(ra, into);
      this.pins.delete(rb);
    }
  }

  pin(u: UnitId, reason: string): void {
    const root = this.find(u);
    const set = this.pins.get(root) ?? new Set<string>();
    set.add(reason);
    this.pins.set(root, set);
  }

  pinMany(positions: Positions, reason: string): void {
    for (const u of positions) this.pin(u, reason);
  }

  /** Why a unit must stay; empty when it may be removed. */
  pinsOf(u: UnitId): readonly string[] {
    return [...(this.pins.get(this.find(u)) ?? [])];
  }

  /** The distinct roots of some positions, in order of first appearance. */
  roots(positions: Positions): UnitId[] {
    const seen = new Set<UnitId>();
    const out: UnitId[] = [];
    for (const p of positions) {
      const r = this.find(p);
      if (!seen.has(r)) {
        seen.add(r);
        out.push(r);
      }
    }
    return out;
  }
}
