"""Runs sessions of cells through the compactor kernel, each session in a fresh kernel and its
cells in order, and prints what each cell gave as JSON.
stdin: a JSON list of sessions, each a list of cell sources. stdout: the same shape, each cell's
source replaced by {"status": "ok"|"error", "text": text/plain of its execute_result or null,
"error": "ename: evalue" or null}.
Run by test/cells/cross-cell-names.test.ts (JUPYTER_PATH points at the installed kernelspec)."""
import json
import sys

from jupyter_client.manager import start_new_kernel



def run_session(cells):
    km, kc = start_new_kernel(kernel_name="compactor", startup_timeout=120)
    results = []
    try:
        for source in cells:
            outputs = []
            reply = kc.execute_interactive(source, timeout=300, output_hook=outputs.append)["content"]
            shown = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
            results.append({
                "status": reply["status"],
                "text": shown[0] if shown else None,
                "error": f'{reply["ename"]}: {reply["evalue"]}' if reply["status"] == "error" else None,
            })
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return results


print(json.dumps([run_session(cells) for cells in json.load(sys.stdin)]))
