// The text of .help in the REPL. The steps come from the step registry, so a
// new step shows up here without touching this file; `.help <step>` prints
// that step's options from its schema.
import { describeOptions } from "../../model/options-schema.js";
import { stepDefinitions } from "../../model/step-registry.js";

export function replHelp(topic = ""): string {
  const name = topic.trim();
  if (name !== "") return stepHelp(name);
  const steps = stepDefinitions();
  const width = Math.max(0, ...steps.map((s) => s.name.length));
  const stepLines = steps.length > 0 ? steps.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`) : ["  (the toolkit is still loading: try .help again in a moment)"];
  return [
    "compactor REPL: TypeScript with the compactor toolkit preloaded.",
    "",
    "  const mnist = await datasets.mnist()          top-level await works",
    "  const m = await load(\"mlp:784-300-100-10\")     a model; typing `m` shows its summary table",
    "  await m.apply(train({ data: mnist.train }))   steps turn a model into a new one (list below)",
    "  plot.line([{ y: [3, 2, 1], name: \"loss\" }])    figures print a sparkline and the path of an HTML file",
    "  table([{ a: 1 }]), display(x), progress(...)  tables and live displays, drawn as text",
    "",
    "Steps (.help <step> lists its options):",
    ...stepLines,
    "",
    "Keys: Tab completes names and members; an open brace or a trailing operator continues on the next line;",
    "Ctrl-C stops a running input (variables are kept), twice at an empty prompt exits; Ctrl-D exits.",
    "Types are checked: a type error is shown and the input does not run.",
    "History is saved in $COMPACTOR_REPL_HISTORY (default ~/.compactor_repl_history).",
    "",
    "Commands: .help [step]  .exit  .break (abandon a multi-line input)  .clear  .editor  .load FILE  .save FILE",
  ].join("\n");
}

function stepHelp(name: string): string {
  const definition = stepDefinitions().find((s) => s.name === name);
  if (!definition) {
    return `no step named "${name}"; steps: ${stepDefinitions().map((s) => s.name).join(", ") || "(still loading)"}`;
  }
  return [`${definition.name}: ${definition.summary}`, "", ...describeOptions(definition.options).map((l) => `  ${l}`)].join("\n");
}
