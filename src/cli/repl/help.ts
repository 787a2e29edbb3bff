// The text of .help in the REPL.
export function replHelp(): string {
  return [
    "compactor REPL: TypeScript with the compactor toolkit preloaded.",
    "",
    "  const mnist = await datasets.mnist()          top-level await works",
    "  const m = await load(\"mlp:784-300-100-10\")     a model; typing `m` shows its summary table",
    "  await m.apply(prune.channels({ ratio: 0.5 }))  steps: train, finetune, distill, prune.*, quantize.*",
    "  plot.line([{ y: [3, 2, 1], name: \"loss\" }])    figures print a sparkline and the path of an HTML file",
    "  table([{ a: 1 }]), display(x), progress(...)  tables and live displays, drawn as text",
    "",
    "Keys: Tab completes names and members; an open brace or a trailing operator continues on the next line;",
    "Ctrl-C stops a running input (variables are kept), twice at an empty prompt exits; Ctrl-D exits.",
    "Types are checked: a type error is shown and the input does not run.",
    "History is saved in $COMPACTOR_REPL_HISTORY (default ~/.compactor_repl_history).",
    "",
    "Commands: .help  .exit  .break (abandon a multi-line input)  .clear  .editor  .load FILE  .save FILE",
  ].join("\n");
}
