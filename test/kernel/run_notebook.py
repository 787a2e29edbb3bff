"""Execute test/kernel/kernel-smoke.ipynb with nbclient and check each cell's outputs.
Run by test/kernel/kernel.test.ts (JUPYTER_PATH points at the installed kernelspec)."""
import sys

import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=300, startup_timeout=120, kernel_name="compactor").execute()
code = [c for c in nb.cells if c.cell_type == "code"]
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


def outputs(i, kind):
    return [o for o in code[i].outputs if o.output_type == kind]


expect(outputs(0, "execute_result") and outputs(0, "execute_result")[0].data["text/plain"] == "[ 1, 4, 9, 16 ]", f"cell 1: {code[0].outputs}")
expect(outputs(1, "stream") and outputs(1, "stream")[0].text == "sum of squares: 30\n", f"cell 2: {code[1].outputs}")
table = outputs(2, "execute_result")
expect(table and "<table" in table[0].data.get("text/html", "") and "fc1" in table[0].data["text/plain"], f"cell 3: {code[2].outputs}")
figure = outputs(3, "execute_result") or outputs(3, "display_data")
expect(figure and "application/vnd.plotly.v1+json" in figure[0].data and "text/html" in figure[0].data, f"cell 4: {code[3].outputs}")
# nbclient applies update_display_data to the output it names: one display, now saying "done".
shown = outputs(4, "display_data")
expect(len(shown) == 1 and "done" in shown[0].data["text/plain"], f"cell 5: {code[4].outputs}")
for cell in code:
    expect(not [o for o in cell.outputs if o.output_type == "error"], f"error in cell: {cell.source}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"notebook OK: {len(code)} code cells")
