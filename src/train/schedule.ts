// Learning rate at a global step: linear warm-up, then a step or cosine decay.
// Step decay counts epochs (PyTorch's StepLR stepped once per epoch); cosine
// runs from the end of warm-up to the last step.
import type { Schedule } from "./options.js";

export interface ScheduleSettings {
  readonly lr: number;
  readonly schedule?: Schedule;
  readonly warmupSteps: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
}

export function learningRate(step: number, s: ScheduleSettings): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  const schedule = s.schedule;
  if (schedule === undefined) return s.lr;
  if (schedule.type === "step") {
    const epoch = Math.floor(step / s.stepsPerEpoch);
    return s.lr * schedule.gamma ** Math.floor(epoch / schedule.stepSize);
  }
  const minLr = schedule.minLr ?? 0;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / span);
  return minLr + ((s.lr - minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
}
