// The live view of a training run: one progress bar (samples/s, ETA, current
// loss) and one curve figure (loss and accuracy, per step and per epoch,
// train and test), each redrawn in place through src/display.
import { liveCurve, progress, type LiveCurve, type ProgressBar } from "../display/live.js";
import type { BatchRecord, EpochRecord } from "./options.js";

const SERIES = ["train loss (step)", "train loss", "test loss", "train accuracy", "test accuracy"] as const;

export interface TrainingView {
  batch(record: BatchRecord, samples: number, stepsPerEpoch: number): void;
  epoch(record: EpochRecord, epochs: number): void;
  done(note: string): void;
}

export function trainingView(options: { totalSamples: number; label: string }): TrainingView {
  const bar: ProgressBar = progress({ total: options.totalSamples, label: options.label });
  const curve: LiveCurve = liveCurve({ title: `${options.label}: loss and accuracy`, series: SERIES, xaxis: "epoch" });
  let epochNote = "";
  return {
    batch(record, samples, stepsPerEpoch) {
      bar.tick(samples, `${epochNote}loss ${record.loss.toFixed(4)}`);
      curve.push("train loss (step)", (record.step + 1) / stepsPerEpoch, record.loss);
    },
    epoch(record, epochs) {
      epochNote = `epoch ${Math.min(record.epoch + 1, epochs)}/${epochs} · `;
      curve.push("train loss", record.epoch, record.loss);
      curve.push("train accuracy", record.epoch, record.accuracy);
      if (record.validationLoss !== undefined) curve.push("test loss", record.epoch, record.validationLoss);
      if (record.validationAccuracy !== undefined) curve.push("test accuracy", record.epoch, record.validationAccuracy);
    },
    done(note) {
      bar.done(note);
      curve.done();
    },
  };
}
