"""Execute notebooks/pruning.ipynb with nbclient and check that each pruning step shows its
tables (HTML with a text twin) and Plotly figures. Run by test/kernel/kernel.test.ts."""
import sys

import nbformat
from nbclient import NotebookClient

PLOTLY = "application/vnd.plotly.v1+json"
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, startup_timeout=120, kernel_name="compactor").execute()
code = [c for c in nb.cells if c.cell_type == "code"]
problems = []


def shown(i):
    return [o.data for o in code[i].outputs if o.output_type in ("display_data", "execute_result")]


for i, step in [(0, "prune.magnitude"), (1, "prune.channels")]:
    data = shown(i)
    tables = [d for d in data if "<table" in d.get("text/html", "") and step in d.get("text/plain", "")]
    plots = [d for d in data if PLOTLY in d and "text/plain" in d]
    if not tables:
        problems.append(f"cell {i + 1}: no {step} table among {[d.get('text/plain', '')[:60] for d in data]}")
    if len(plots) < 2:
        problems.append(f"cell {i + 1}: {len(plots)} Plotly figures, expected the bar chart and the histogram")
ratio = [o for o in code[1].outputs if o.output_type == "execute_result"]
if not ratio or not float(ratio[0].data["text/plain"]) < 0.6:
    problems.append(f"cell 2: params ratio {ratio and ratio[0].data['text/plain']}, expected < 0.6")
for cell in code:
    if [o for o in cell.outputs if o.output_type == "error"]:
        problems.append(f"error in cell: {cell.source}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"notebook OK: {len(code)} code cells")
