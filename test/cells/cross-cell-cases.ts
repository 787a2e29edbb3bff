// Names from an earlier cell, used in a later one, in every syntactic position.
// Each case runs in the kernel and in the REPL (cross-cell-names.test.ts): its
// earlier cell, then its later cell, whose value must display as `expected`
// (text/plain: a string as itself, anything else as util.inspect shows it), or
// which must fail with a message containing `error`. Cases run one after the
// other in one session, so each uses values of its own.
export interface CrossCellCase {
  readonly name: string;
  readonly earlier: string;
  readonly later: string;
  readonly expected?: string;
  readonly error?: string;
}

export const CROSS_CELL_CASES: readonly CrossCellCase[] = [
  { name: "shorthand property", earlier: "const tt = 1", later: "JSON.stringify({ tt })", expected: '{"tt":1}' },
  {
    name: "shorthand property as a call argument (the DSL's idiom)",
    earlier: 'const mentor = { name: "m2" }',
    later: "((options: { mentor: { name: string } }) => options.mentor.name)({ mentor })",
    expected: "m2",
  },
  { name: "shorthand property of a preloaded DSL name", earlier: "const unused3 = 3", later: "typeof ({ models }).models.mlp", expected: "function" },
  { name: "shorthand of an earlier function, class and enum", earlier: "function ff() { return 4 } class Cc { v = 4 } enum Color { Red = 4 }", later: "[({ ff }).ff(), new ({ Cc }).Cc().v, ({ Color }).Color.Red].join()", expected: "4,4,4" },
  { name: "shorthand inside a closure", earlier: "const tt = 5", later: "const read = () => ({ tt }); JSON.stringify(read())", expected: '{"tt":5}' },
  { name: "destructuring defaults", earlier: "const tt = 6", later: "const { a = tt } = {} as { a?: number }; const [b = tt] = [] as number[]; a + b", expected: "12" },
  { name: "destructuring assignment to an earlier let (shorthand)", earlier: "let uu = 0", later: "({ uu } = { uu: 7 }); uu", expected: "7" },
  { name: "destructuring assignment with a default (shorthand)", earlier: "let uu = 0", later: "({ uu = 8 } = {} as { uu?: number }); uu", expected: "8" },
  { name: "destructuring assignment to an array element", earlier: "let uu = 0", later: "[uu] = [9]; uu", expected: "9" },
  { name: "typeof in a value and in a type", earlier: 'const tt = "ten"', later: 'const same: typeof tt = "ten"; typeof tt + " " + same', expected: "string ten" },
  { name: "a later closure sees a later assignment", earlier: "let tt = 0", later: "const get = () => tt; tt = 11; get()", expected: "11" },
  { name: "an earlier closure sees a later assignment", earlier: "let count = 0; const bump = () => ++count", later: "count = 12; bump(); count", expected: "13" },
  {
    name: "class bodies: fields, static fields, methods, computed member names",
    earlier: "const tt = 14",
    later: 'class K { v = tt; static s = tt * 2; m() { return tt * 3 } [tt] = "k" }; const k = new K(); JSON.stringify([k.v, K.s, k.m(), k[14]])',
    expected: '[14,28,42,"k"]',
  },
  { name: "extends an earlier class", earlier: 'class Base { hi() { return "base" } }', later: 'class Sub extends Base { hi() { return "sub of " + super.hi() } }; new Sub().hi()', expected: "sub of base" },
  { name: "template literal", earlier: "const tt = 15", later: "`tt=${tt}, twice ${`${tt * 2}`}`", expected: "tt=15, twice 30" },
  { name: "tagged template with an earlier tag", earlier: "const tag = (s: TemplateStringsArray, ...v: number[]) => s.join(\"|\") + v.join()", later: "const tt = 16; tag`a${tt}b`", expected: "a|b16" },
  { name: "object and array spread", earlier: "const base = { a: 17 }; const list = [1, 2]", later: "JSON.stringify({ ...base, n: [...list, ...list].length })", expected: '{"a":17,"n":4}' },
  { name: "computed keys", earlier: 'const key = "k18"', later: "JSON.stringify({ [key]: 18, [`${key}b`]: 1 })", expected: '{"k18":18,"k18b":1}' },
  {
    name: "a local of the same name shadows the cell name",
    earlier: "const tt = 19",
    later: "const f = (tt: number) => ({ tt }); function g() { const tt = 20; return { tt, d: (({ tt = 21 }: { tt?: number }) => tt)({}) } }; JSON.stringify([f(22), g(), { tt }])",
    expected: '[{"tt":22},{"tt":20,"d":21},{"tt":19}]',
  },
  { name: "a later top-level declaration replaces the name", earlier: "const tt = 23", later: "const tt = 24; JSON.stringify({ tt })", expected: '{"tt":24}' },
  { name: "export const / export function", earlier: "export const ex = 25; export function exf() { return ex * 2 }", later: "JSON.stringify({ ex, r: exf() })", expected: '{"ex":25,"r":50}' },
  { name: "export { name } keeps the value", earlier: "const tt = 26; export { tt }", later: "JSON.stringify({ tt })", expected: '{"tt":26}' },
  { name: "export { name as other } names it again", earlier: "const tt = 27; export { tt as tt27 }", later: "JSON.stringify({ tt27 })", expected: '{"tt27":27}' },
  { name: 'export { name } from "module" imports it', earlier: 'export { basename } from "node:path"', later: '({ basename }).basename("/a/b28.txt")', expected: "b28.txt" },
  {
    name: "named, namespace and default imports",
    earlier: 'import { join } from "node:path"; import * as nodePath from "node:path"; import assert from "node:assert"',
    later: 'JSON.stringify([({ join }).join("a", "b"), ({ nodePath }).nodePath.sep, typeof ({ assert }).assert])',
    expected: '["a/b","/","function"]',
  },
  { name: 'import from "compactor" with a rename', earlier: 'import { models as zoo } from "compactor"', later: "typeof ({ zoo }).zoo.mlp", expected: "function" },
  { name: "export default is refused with a reason", earlier: "const tt = 29", later: "export default tt", error: "`export default` has no meaning in a cell" },
];

/** The README's DSL example (The DSL), one statement per cell, small enough for a test. */
export const README_NOTEBOOK = (savePath: string): string[] => [
  'import { load, models, datasets, train, distill, compare } from "compactor";',
  "const mnist = await datasets.mnist();",
  "const teacher = await models.mlp([784, 32, 10]).apply(train({ data: mnist.train.take(256), epochs: 1 }));",
  "const student = await models.mlp([784, 16, 10]).apply(\n  distill({ teacher, data: mnist.train.take(256), epochs: 1, temperature: 4, alpha: 0.9 }),\n);",
  "await compare([teacher, student], mnist.test.take(200));",
  `await student.save(${JSON.stringify(savePath)});`,
  'student.recipe.map((step) => step.step).join(",")',
];
