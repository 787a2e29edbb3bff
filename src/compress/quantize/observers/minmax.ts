// The running minimum and maximum of everything observed: onnxruntime's and
// PyTorch's default activation observer, and the first pass of the others.
export class MinMaxObserver {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  count = 0;

  observe(values: ArrayLike<number>): void {
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
    this.count += values.length;
  }

  range(): [number, number] {
    return this.count === 0 ? [0, 0] : [this.min, this.max];
  }
}
