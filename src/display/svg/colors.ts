// Colours for the static pictures, taken from plotly.js so the picture looks
// like the interactive figure that replaces it: its default trace colours (D3's
// category10) and the stops of the named colour scales our figures use.

export const TRACE_COLORS = Object.freeze(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]);

export type ColorStops = readonly (readonly [number, string])[];

/** plotly.js's named scales (src/components/colorscale/scales.js), the ones worth drawing statically. */
export const COLOR_SCALES: Readonly<Record<string, ColorStops>> = Object.freeze({
  Greys: [[0, "rgb(0,0,0)"], [1, "rgb(255,255,255)"]],
  YlGnBu: [[0, "rgb(8,29,88)"], [0.125, "rgb(37,52,148)"], [0.25, "rgb(34,94,168)"], [0.375, "rgb(29,145,192)"], [0.5, "rgb(65,182,196)"], [0.625, "rgb(127,205,187)"], [0.75, "rgb(199,233,180)"], [0.875, "rgb(237,248,217)"], [1, "rgb(255,255,217)"]],
  Greens: [[0, "rgb(0,68,27)"], [0.125, "rgb(0,109,44)"], [0.25, "rgb(35,139,69)"], [0.375, "rgb(65,171,93)"], [0.5, "rgb(116,196,118)"], [0.625, "rgb(161,217,155)"], [0.75, "rgb(199,233,192)"], [0.875, "rgb(229,245,224)"], [1, "rgb(247,252,245)"]],
  YlOrRd: [[0, "rgb(128,0,38)"], [0.125, "rgb(189,0,38)"], [0.25, "rgb(227,26,28)"], [0.375, "rgb(252,78,42)"], [0.5, "rgb(253,141,60)"], [0.625, "rgb(254,178,76)"], [0.75, "rgb(254,217,118)"], [0.875, "rgb(255,237,160)"], [1, "rgb(255,255,204)"]],
  RdBu: [[0, "rgb(5,10,172)"], [0.35, "rgb(106,137,247)"], [0.5, "rgb(190,190,190)"], [0.6, "rgb(220,170,132)"], [0.7, "rgb(230,145,90)"], [1, "rgb(178,10,28)"]],
  Reds: [[0, "rgb(220,220,220)"], [0.2, "rgb(245,195,157)"], [0.4, "rgb(245,160,105)"], [1, "rgb(178,10,28)"]],
  Blues: [[0, "rgb(5,10,172)"], [0.35, "rgb(40,60,190)"], [0.5, "rgb(70,100,245)"], [0.6, "rgb(90,120,245)"], [0.7, "rgb(106,137,247)"], [1, "rgb(220,220,220)"]],
  Viridis: [[0, "#440154"], [0.0627, "#48186a"], [0.1255, "#472d7b"], [0.1882, "#424086"], [0.251, "#3b528b"], [0.3137, "#33638d"], [0.3765, "#2c728e"], [0.4392, "#26828e"], [0.502, "#21918c"], [0.5647, "#1fa088"], [0.6275, "#28ae80"], [0.6902, "#3fbc73"], [0.7529, "#5ec962"], [0.8157, "#84d44b"], [0.8784, "#addc30"], [0.9412, "#d8e219"], [1, "#fde725"]],
});

/** plotly.js's default when a heatmap names no scale. */
export const DEFAULT_SCALE = "RdBu";

type Rgb = readonly [number, number, number];

export function parseColor(color: string): Rgb | undefined {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/i.exec(color);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

function hex([r, g, b]: Rgb): string {
  return "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

export interface ResolvedScale {
  readonly stops: ColorStops;
  /** Set when the figure asked for a scale the static picture does not know (drawn with the default). */
  readonly unknown?: string;
}

/** A trace's `colorscale` (a name or [[t, color], …]) and `reversescale` as stops from t = 0 to 1. */
export function resolveScale(colorscale: unknown, reverse: unknown): ResolvedScale {
  let stops: ColorStops | undefined;
  let unknown: string | undefined;
  if (Array.isArray(colorscale) && colorscale.every((s) => Array.isArray(s) && typeof s[0] === "number" && typeof s[1] === "string" && parseColor(s[1]))) {
    stops = colorscale as unknown as ColorStops;
  } else if (typeof colorscale === "string" && COLOR_SCALES[colorscale]) {
    stops = COLOR_SCALES[colorscale];
  } else if (colorscale !== undefined) {
    unknown = typeof colorscale === "string" ? colorscale : "a custom scale";
  }
  stops ??= COLOR_SCALES[DEFAULT_SCALE]!;
  if (reverse === true) stops = stops.map(([t, c]) => [1 - t, c] as const).reverse();
  return unknown ? { stops, unknown } : { stops };
}

/** The colour at t ∈ [0, 1], interpolated in RGB between the two stops around it. */
export function colorAt(stops: ColorStops, t: number): string {
  const x = Math.min(1, Math.max(0, t));
  for (let i = 1; i < stops.length; i++) {
    const [t1, c1] = stops[i]!;
    if (x <= t1 || i === stops.length - 1) {
      const [t0, c0] = stops[i - 1]!;
      const f = t1 === t0 ? 0 : (x - t0) / (t1 - t0);
      const a = parseColor(c0)!;
      const b = parseColor(c1)!;
      return hex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
    }
  }
  return hex(parseColor(stops[0]![1])!);
}

/** Black or white, whichever reads better on `background` (relative luminance, as WCAG defines it). */
export function textColorOn(background: string): string {
  const rgb = parseColor(background) ?? [255, 255, 255];
  const lin = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  return luminance > 0.4 ? "#000" : "#fff";
}
