import { describe, it, expect, afterEach } from "vitest";
import { toMimeBundle, html, markdown, htmlToText } from "./bundle.js";
import { display, clearOutput } from "./display.js";
import { JUPYTER_DISPLAY } from "./mime.js";
import { setDisplaySink } from "./sink.js";
import { recordingSink } from "../../test/helpers/recording-sink.js";

describe("toMimeBundle", () => {
  it("uses a value's Jupyter.display method", () => {
    const v = { [JUPYTER_DISPLAY]: () => ({ "text/html": "<b>hi</b>", "text/plain": "hi" }) };
    expect(toMimeBundle(v)).toEqual({ "text/html": "<b>hi</b>", "text/plain": "hi" });
  });
  it("adds text/plain when a display method returns only HTML", () => {
    const b = toMimeBundle({ [JUPYTER_DISPLAY]: () => ({ "text/html": "<i>x</i>" }) });
    expect(b["text/html"]).toBe("<i>x</i>");
    expect(b["text/plain"]).toBe("<text/html>");
  });
  it("shows a display method's non-bundle result as text", () => {
    expect(toMimeBundle({ [JUPYTER_DISPLAY]: () => 42 })["text/plain"]).toBe("42");
  });
  it("passes plain MIME-bundle objects through", () => {
    const b = { "text/plain": "t", "text/html": "<p>t</p>", "application/json": { a: 1 } };
    expect(toMimeBundle(b)).toEqual(b);
  });
  it("does not treat ordinary objects or class instances as bundles", () => {
    expect(toMimeBundle({ a: 1 })["text/plain"]).toBe("{ a: 1 }");
    class X {
      "text/plain" = "no";
    }
    expect(toMimeBundle(new X())["text/plain"]).toContain("X {");
    expect(toMimeBundle({})["text/plain"]).toBe("{}");
  });
  it("inspects everything else, strings as they are", () => {
    expect(toMimeBundle("héllo")).toEqual({ "text/plain": "héllo" });
    expect(toMimeBundle([1, 2])).toEqual({ "text/plain": "[ 1, 2 ]" });
    expect(toMimeBundle(undefined)).toEqual({ "text/plain": "undefined" });
    expect(toMimeBundle(10n)).toEqual({ "text/plain": "10n" });
  });
  it("html() and markdown() carry text twins", () => {
    const h = toMimeBundle(html("<p>a &amp; b</p><script>x()</script>"));
    expect(h["text/plain"]).toBe("a & b");
    expect(toMimeBundle(markdown("# T"))).toEqual({ "text/markdown": "# T", "text/plain": "# T" });
    expect(htmlToText("<tr><td>1</td></tr><tr><td>2</td></tr>")).toBe("1\n2");
  });
});

describe("display and clearOutput", () => {
  afterEach(() => setDisplaySink(undefined));
  it("sends bundles to the sink, with a handle that updates in place", () => {
    const r = recordingSink();
    setDisplaySink(r.sink);
    expect(display(1)).toBeUndefined();
    const handle = display("a", { displayId: true });
    handle.update("b");
    const named = display("c", { displayId: "mine" });
    clearOutput({ wait: true });
    expect(r.calls[0]).toEqual({ bundle: { "text/plain": "1" }, options: undefined });
    expect(r.calls[1]!.options).toEqual({ displayId: handle.displayId });
    expect(handle.displayId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.calls[2]).toEqual({ bundle: { "text/plain": "b" }, options: { displayId: handle.displayId, update: true } });
    expect(named.displayId).toBe("mine");
    expect(r.calls[4]).toEqual({ clear: true });
  });
});
