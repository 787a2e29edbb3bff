// Writing SVG text: escaped strings and short coordinates (0.1 px is finer than
// any screen needs and keeps a 500-point curve to a few kilobytes).

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A coordinate with at most one decimal. */
export function n(value: number): string {
  const r = Math.round(value * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Plotly titles may hold a little HTML (<b>, <br>): the static picture shows the text. */
export function plainText(text: string): string {
  return text.replace(/<br\s*\/?>/gi, " ").replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
}

/** A title as Plotly takes it: a string or { text }. */
export function titleText(title: unknown): string {
  if (typeof title === "string") return plainText(title);
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") return plainText((title as { text: string }).text);
  return "";
}

/** Approximate width of text at a font size: no font metrics here, so 0.6 em a character. */
export function textWidth(text: string, size: number): number {
  return [...text].length * size * 0.6;
}

export function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? " " + attrs : ""}>${esc(content)}</text>`;
}
