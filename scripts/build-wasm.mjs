#!/usr/bin/env node
// Builds our wasm module from src/runtime/tfjs/kernels/module.c (every
// kernel's C file, one translation unit) and writes two TypeScript files, so
// neither `npm install` nor `npm test` needs a C toolchain:
//   module-binary.ts   the binary (base64), the clang that built it, and the
//                      SHA-256 of the sources and flags it was built from;
//   module-exports.ts  one typed wrapper per exported C function, taking the
//                      C parameters as named fields, generated from the
//                      prototypes (so no signature is copied by hand).
// The exports in the binary are checked against the prototypes (names and
// i32/f32 parameter types) and a data segment is refused (it would overwrite
// tfjs's heap). Needs clang and wasm-ld (Debian: apt-get install -y clang lld).
// src/runtime/tfjs/kernels/build.test.ts checks the committed files are this
// script's output.
//
//   node scripts/build-wasm.mjs [--out DIR]   build and write both files (default: the kernels folder)
//   node scripts/build-wasm.mjs --bindings-only [--out DIR]   write module-exports.ts only (no clang needed)
//   node scripts/build-wasm.mjs --sources-sha256              print the sources' SHA-256
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const KERNELS = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "runtime", "tfjs", "kernels");
const UNIT = "module.c";
// No -ffast-math: float operations stay in the order written. The memory is
// imported (tfjs's heap, or the optimizer's own); the stack pointer is
// exported so the caller can move it into a block of that memory.
const FLAGS = [
  "--target=wasm32", "-O3", "-msimd128", "-mbulk-memory", "-mmutable-globals", "-nostdlib",
  "-Wl,--no-entry", "-Wl,--import-memory", "-Wl,--export=__stack_pointer", "-Wl,--strip-all",
];

class BuildError extends Error {}

/** The C files module.c includes, in order; every .c file in the folder must be one of them. */
function unitFiles() {
  const unit = readFileSync(join(KERNELS, UNIT), "utf8");
  const included = [...unit.matchAll(/^#include "([\w-]+\.c)"/gm)].map((m) => m[1]);
  const unlisted = readdirSync(KERNELS).filter((f) => f.endsWith(".c") && f !== UNIT && !included.includes(f));
  if (unlisted.length > 0) throw new BuildError(`${unlisted.join(", ")} not included by ${UNIT}: add an #include line for each, or the kernel is not built`);
  return included;
}

/** SHA-256 of the build flags and every .c and .h file in the kernels folder, by name. */
function sourcesSha256() {
  const hash = createHash("sha256").update(FLAGS.join(" ") + "\n");
  for (const name of readdirSync(KERNELS).filter((f) => /\.[ch]$/.test(f)).sort()) {
    hash.update(`${name}\n${readFileSync(join(KERNELS, name), "utf8")}\n`);
  }
  return hash.digest("hex");
}

const camel = (name) => name.replace(/_([a-z0-9])/gi, (_, c) => c.toUpperCase());
const pascal = (name) => camel(name).replace(/^./, (c) => c.toUpperCase());

/**
 * The exported functions of `file`: the comment lines right above each
 * `__attribute__((export_name("f")))`, and `void f(params)`. Parameters are
 * int, float or pointers (byte offsets in the module's memory).
 */
function exportsOf(file) {
  const text = readFileSync(join(KERNELS, file), "utf8");
  const found = [];
  const pattern = /((?:^\/\/.*\n)*)__attribute__\(\(export_name\("(\w+)"\)\)\)\n(\w+)\s+(\w+)\(([^)]*)\)\s*\{/gm;
  for (const [, comment, exportName, returns, name, list] of text.matchAll(pattern)) {
    const where = `${file}: ${name}`;
    if (exportName !== name) throw new BuildError(`${where} is exported as "${exportName}": use the function's own name`);
    if (returns !== "void") throw new BuildError(`${where} returns ${returns}: exported kernels return void and write their results to memory`);
    const params = list.split(",").map((p) => p.replace(/\s+/g, " ").trim()).map((p) => {
      const m = /^(const )?(int|float) ?(\*?) ?(\w+)$/.exec(p);
      if (!m) throw new BuildError(`${where}: parameter "${p}" is not int, float or a pointer to them`);
      const [, constant = "", type, star, pname] = m;
      return { name: pname, field: camel(pname), c: `${constant}${type}${star ? " *" : ""}`, wasm: type === "float" && !star ? "f" : "i" };
    });
    const doc = comment.split("\n").filter(Boolean).map((l) => l.replace(/^\/\/ ?/, ""));
    found.push({ file, name, method: camel(name), doc, params });
  }
  const declared = [...text.matchAll(/export_name\("(\w+)"\)/g)].length;
  if (declared !== found.length) throw new BuildError(`${file}: ${declared} export_name attributes but ${found.length} read; put the comment, the attribute and "void name(...) {" on consecutive lines`);
  return found;
}

function exportsTs(files, functions) {
  const out = [
    `// Generated by scripts/build-wasm.mjs from the exported functions of ${files.join(", ")}; do not edit.`,
    "// One wrapper per C export, taking its parameters by name (pointers are byte",
    "// offsets in the memory the module runs on; C's snake_case names are camelCase).",
    "",
  ];
  for (const f of functions) {
    out.push(`/** The parameters of ${f.name} (${f.file}). */`, `export interface ${pascal(f.name)}Args {`);
    for (const p of f.params) out.push(`  /** ${p.c} */`, `  readonly ${p.field}: number;`);
    out.push("}", "");
  }
  out.push("export interface KernelExports {");
  for (const [i, f] of functions.entries()) {
    if (i > 0) out.push("");
    out.push("  /**", ...f.doc.map((l) => (l ? `   * ${l}` : "   *")), "   */", `  ${f.method}(args: ${pascal(f.name)}Args): void;`);
  }
  out.push("}", "");
  out.push("/** The module's exported functions by C name, with their wasm parameter types (i: i32, f: f32). */");
  out.push("export const EXPORTED_FUNCTIONS = {", ...functions.map((f) => `  ${f.name}: "${f.params.map((p) => p.wasm).join("")}",`), "} as const;", "");
  out.push("type Raw = (...args: number[]) => void;", "");
  out.push("/** Wraps an instance's exports; throws if one is missing (an instance of another module). */");
  out.push("export function bindExports(raw: Readonly<Record<string, unknown>>): KernelExports {");
  out.push("  const missing = Object.keys(EXPORTED_FUNCTIONS).filter((name) => typeof raw[name] !== \"function\");");
  out.push("  if (missing.length > 0) throw new Error(`our wasm module lacks ${missing.join(\", \")}: rebuild it with scripts/build-wasm.mjs`);");
  for (const f of functions) out.push(`  const ${f.method} = raw.${f.name} as Raw;`);
  out.push("  return {");
  for (const f of functions) out.push(`    ${f.method}: (a) => ${f.method}(${f.params.map((p) => `a.${p.field}`).join(", ")}),`);
  out.push("  };", "}", "");
  return out.join("\n");
}

/** Section ids, the imported memory's minimum pages and the exported functions' parameter types of a wasm binary. */
function inspect(bytes) {
  let i = 8;
  const uleb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[i++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  const name = () => {
    const length = uleb();
    i += length;
    return Buffer.from(bytes.subarray(i - length, i)).toString("utf8");
  };
  const types = [], functionTypes = [], exported = new Map(), sections = [];
  let imported = 0, minPages = 0;
  while (i < bytes.length) {
    const id = bytes[i++], size = uleb(), end = i + size;
    sections.push(id);
    if (id === 1) {
      for (let n = uleb(); n > 0; n--) {
        i++; // 0x60: a function type
        const params = [...bytes.subarray(i + 1, i + 1 + bytes[i])].map((t) => ({ 0x7f: "i", 0x7d: "f" })[t] ?? "?");
        i += 1 + bytes[i];
        i += 1 + bytes[i]; // results
        types.push(params.join(""));
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        const what = `${name()}.${name()}`, kind = bytes[i++];
        if (kind !== 2) throw new BuildError(`the module imports ${what}, not only a memory`);
        const flags = bytes[i++];
        minPages = uleb();
        if (flags & 1) uleb();
      }
    } else if (id === 3) {
      for (let n = uleb(); n > 0; n--) functionTypes.push(uleb());
    } else if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const exportName = name(), kind = bytes[i++], index = uleb();
        if (kind === 0) exported.set(exportName, types[functionTypes[index - imported]]);
      }
    }
    i = end;
  }
  return { sections, minPages, exported };
}

function check(bytes, functions) {
  const { sections, minPages, exported } = inspect(bytes);
  const problems = [];
  if (sections.includes(11)) problems.push("it has a data segment (instantiating it would overwrite tfjs's heap): no initialised static data in the kernels");
  for (const f of functions) {
    const want = f.params.map((p) => p.wasm).join("");
    const got = exported.get(f.name);
    if (got === undefined) problems.push(`${f.name} (${f.file}) is not exported`);
    else if (got !== want) problems.push(`${f.name} takes (${got}) in wasm, (${want}) by its prototype`);
  }
  for (const name of exported.keys()) if (!functions.some((f) => f.name === name)) problems.push(`${name} is exported but not read from the C files`);
  if (problems.length > 0) throw new BuildError(`the built module does not match the C prototypes:\n  ${problems.join("\n  ")}`);
  return minPages;
}

function moduleTs(files, bytes, minPages, clang) {
  return [
    `// Generated by scripts/build-wasm.mjs from ${UNIT} (${files.join(", ")}); do not edit.`,
    "",
    "/** The compiler that built it: another clang may emit other (equally valid) code. */",
    `export const BUILT_WITH = ${JSON.stringify(clang)};`,
    "",
    "/** SHA-256 of the build flags and the kernels folder's .c and .h files (build.test.ts checks it). */",
    `export const SOURCES_SHA256 = "${sourcesSha256()}";`,
    "",
    "/** The smallest memory, in 64 KiB pages, the module can be instantiated on. */",
    `export const MIN_MEMORY_PAGES = ${minPages};`,
    "",
    "export const MODULE_WASM_BASE64 =",
    `  "${Buffer.from(bytes).toString("base64")}";`,
    "",
  ].join("\n");
}

function main(args) {
  if (args.includes("--sources-sha256")) {
    console.log(sourcesSha256());
    return;
  }
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1] : KERNELS;
  if (!out) throw new BuildError("--out needs a folder");
  const files = unitFiles();
  const functions = files.flatMap(exportsOf);
  writeFileSync(join(out, "module-exports.ts"), exportsTs(files, functions));
  if (args.includes("--bindings-only")) return;

  const tmp = mkdtempSync(join(tmpdir(), "build-wasm-"));
  try {
    const wasm = join(tmp, "module.wasm");
    execFileSync("clang", [...FLAGS, "-o", wasm, join(KERNELS, UNIT)], { stdio: ["ignore", "inherit", "inherit"] });
    const bytes = readFileSync(wasm);
    const minPages = check(bytes, functions);
    const clang = execFileSync("clang", ["--version"], { encoding: "utf8" }).split("\n")[0].trim();
    writeFileSync(join(out, "module-binary.ts"), moduleTs(files, bytes, minPages, clang));
    console.log(`wrote ${join(out, "module-binary.ts")} (${bytes.length} bytes of wasm, ${functions.length} exports) and module-exports.ts`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`scripts/build-wasm.mjs: ${error.message}`);
  process.exit(1);
}
