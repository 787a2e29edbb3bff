"""Execute a notebook on the compactor kernel with nbclient and write it back with its outputs.

Usage: execute-notebook.py IN.ipynb OUT.ipynb [--timeout SECONDS]

Runs every cell (an error does not stop the run, so every failing cell is reported), in
the notebook's own folder, on the kernel named by the notebook's kernelspec ("compactor").
Prints one JSON line: {"seconds", "cells", "errors": [{"cell", "ename", "evalue"}]}, and
exits 1 when any cell has an error output. Called by scripts/notebooks.ts (`npm run
notebooks` and the notebook tests), which point JUPYTER_PATH at the kernelspec.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

parser = argparse.ArgumentParser()
parser.add_argument("source")
parser.add_argument("target")
parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may run")
args = parser.parse_args()

nb = nbformat.read(args.source, as_version=4)
started = time.time()
client = NotebookClient(
    nb,
    timeout=args.timeout,
    startup_timeout=120,
    kernel_name=nb.metadata.get("kernelspec", {}).get("name", "compactor"),
    allow_errors=True,
    # Timestamps in every cell would make each re-run a diff of the whole notebook.
    record_timing=False,
    resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.source))}},
)
client.execute()
seconds = time.time() - started

errors = []
code = [c for c in nb.cells if c.cell_type == "code"]
for index, cell in enumerate(code):
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            errors.append({"cell": index + 1, "ename": output.ename, "evalue": output.evalue})

nbformat.write(nb, args.target)
print(json.dumps({"seconds": round(seconds, 1), "cells": len(code), "errors": errors}))
sys.exit(1 if errors else 0)
