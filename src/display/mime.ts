// A MIME bundle is what Jupyter displays: mime type → data. Every bundle that
// compactor produces has "text/plain" so terminals and plain logs can show it.

export type MimeBundle = { readonly "text/plain": string } & Readonly<Record<string, unknown>>;

/** The protocol Deno's kernel uses: any value with this method displays itself. */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Record<string, unknown>;
}
