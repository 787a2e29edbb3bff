// The loop's own randomness (shift offsets, per-step dropout seeds) comes from
// the project's one seeded generator.
export { seededRandom } from "../core/random.js";
