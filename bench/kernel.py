"""Kernel latency: start to first kernel_info_reply, first cell, and the median
round trip of a trivial cell (`1+1`, execute_request sent → idle status seen),
for the compactor kernel and ipykernel (the anchor), measured in the same run.

Usage: python3 bench/kernel.py [--rounds 30] [--markdown]
Needs the compactor kernelspec installed (`compactor kernel install --user`, or
JUPYTER_PATH pointing at one) and python3-ipykernel.
"""
import argparse
import platform
import statistics
import time

from jupyter_client.manager import KernelManager


def measure(kernel_name, first_code, code, rounds):
    km = KernelManager(kernel_name=kernel_name)
    started = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    ready = time.perf_counter() - started
    first_started = time.perf_counter()
    kc.execute_interactive(first_code, timeout=180, output_hook=lambda m: None)
    first = time.perf_counter() - first_started
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=60, output_hook=lambda m: None)
        times.append(time.perf_counter() - t)
        assert reply["content"]["status"] == "ok", reply["content"]
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    return {"start_s": ready, "first_cell_s": first, "median_ms": statistics.median(times) * 1000, "p90_ms": sorted(times)[int(0.9 * len(times))] * 1000}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    results = {
        "compactor (TypeScript)": measure("compactor", "0", "1+1", args.rounds),
        "ipykernel (Python, anchor)": measure("python3", "0", "1+1", args.rounds),
    }
    rows = [
        f"| {name} | {r['start_s']:.2f} s | {r['first_cell_s']:.2f} s | {r['median_ms']:.1f} ms | {r['p90_ms']:.1f} ms |"
        for name, r in results.items()
    ]
    print("| kernel | start → kernel_info_reply | first cell | `1+1` round trip, median | p90 |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    if args.markdown:
        print(f"\n{args.rounds} rounds; {platform.machine()}, Python {platform.python_version()}.")


if __name__ == "__main__":
    main()
