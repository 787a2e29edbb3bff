"""First cell of the compactor kernel after a pause: python3 bench/kernel_first_cell.py SECONDS.
Shows what the converter warm-up at start buys a user who types before running (BENCHMARKS.md, Kernel)."""
import time, sys
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="compactor"); km.start_kernel(); kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
time.sleep(float(sys.argv[1]))
t = time.perf_counter(); kc.execute_interactive("0", timeout=180, output_hook=lambda m: None); print("first cell after", sys.argv[1], "s pause:", round(time.perf_counter() - t, 2), "s")
kc.stop_channels(); km.shutdown_kernel(now=True)
