// Turning any value into a MIME bundle. Three cases, in order:
//   1. a value with [Symbol.for("Jupyter.display")]() displays itself (Deno's protocol);
//   2. a plain object whose keys all look like MIME types is already a bundle;
//   3. anything else is shown as util.inspect text.
// Every bundle that leaves here has "text/plain", so terminals and logs can show it.
import { inspect } from "node:util";
import { JUPYTER_DISPLAY, type MimeBundle } from "./mime.js";

const MIME_TYPE = /^[a-z]+\/[a-z0-9.+_-]+$/i;

/** True for `{ "text/plain": …, "text/html": … }`: a non-empty plain object keyed by MIME types only. */
export function isMimeBundleLike(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => MIME_TYPE.test(k));
}

/** util.inspect with the REPL's defaults: colours off (bundles are stored and sent), depth 4. */
export function inspectText(value: unknown): string {
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 50, breakLength: 100 });
}

function withTextPlain(bundle: Record<string, unknown>): MimeBundle {
  const text = bundle["text/plain"];
  if (typeof text === "string") return bundle as MimeBundle;
  // A bundle without text twin (e.g. only text/html): fall back to something readable.
  const markdown = bundle["text/markdown"];
  const fallback = typeof markdown === "string" ? markdown : `<${Object.keys(bundle).join(", ") || "empty display"}>`;
  return { ...bundle, "text/plain": typeof text === "undefined" ? fallback : inspectText(text) };
}

export function toMimeBundle(value: unknown): MimeBundle {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
    if (typeof method === "function") {
      const returned: unknown = method.call(value);
      if (isMimeBundleLike(returned)) return withTextPlain(returned);
      // A display method that returns something else still deserves to be seen.
      return { "text/plain": inspectText(returned) };
    }
    if (isMimeBundleLike(value)) return withTextPlain(value);
  }
  return { "text/plain": typeof value === "string" ? value : inspectText(value) };
}

/** A value that displays as the given HTML (with a tag-stripped text twin). */
export function html(source: string): { [JUPYTER_DISPLAY](): MimeBundle } {
  return { [JUPYTER_DISPLAY]: () => ({ "text/html": source, "text/plain": htmlToText(source) }) };
}

/** A value that displays as Markdown; its text twin is the Markdown source itself. */
export function markdown(source: string): { [JUPYTER_DISPLAY](): MimeBundle } {
  return { [JUPYTER_DISPLAY]: () => ({ "text/markdown": source, "text/plain": source }) };
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " ", "&amp;": "&" };

/** A readable text twin for HTML: drop scripts, styles and tags, decode the common entities. */
export function htmlToText(source: string): string {
  return source
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|h[1-6]|li|tr)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(lt|gt|quot|#39|nbsp|amp);/g, (e) => ENTITIES[e] ?? e)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
