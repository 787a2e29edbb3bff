// A fixed-range histogram, filled in the second calibration pass once the
// min/max pass knows the range. Tensors with negative values are binned by
// |x| (one-sided, as TensorRT's and onnxruntime's entropy and percentile
// calibrators do); tensors that are never negative by x itself.
export const HISTOGRAM_BINS = 2048;

export class HistogramObserver {
  readonly counts: Float64Array;
  /** Upper edge of the last bin (max |x|). */
  readonly top: number;
  readonly width: number;

  constructor(readonly min: number, readonly max: number, bins = HISTOGRAM_BINS) {
    this.counts = new Float64Array(bins);
    this.top = Math.max(Math.abs(min), Math.abs(max));
    this.width = this.top / bins || 1;
  }

  get signed(): boolean {
    return this.min < 0;
  }

  observe(values: ArrayLike<number>): void {
    const last = this.counts.length - 1;
    const inv = 1 / this.width;
    for (let i = 0; i < values.length; i++) {
      const bin = Math.floor(Math.abs(values[i]!) * inv);
      this.counts[bin > last ? last : bin]!++;
    }
  }

  /** A one-sided threshold t as the range the tensor's grid covers: [-t, t] (or [0, t]) within the observed range. */
  rangeFor(threshold: number): [number, number] {
    return this.signed ? [Math.max(this.min, -threshold), Math.min(this.max, threshold)] : [Math.max(0, this.min), Math.min(this.max, threshold)];
  }
}
