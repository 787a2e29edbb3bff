# PyTorch's peer for bench/quantize.ts: torch.quantization.quantize_dynamic (int8
# Linear) on the MLP weights bench/quantize.ts trained, evaluated on the same
# MNIST test split. Reads an .npz (fc1.weight … fc3.bias, x_test, y_test) and
# prints one JSON object.
#   /usr/bin/python3 bench/quantize_torch.py weights.npz
import io
import json
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
arrays = np.load(sys.argv[1])
layers = sorted({k.split(".")[0] for k in arrays.files if k.startswith("fc")}, key=lambda s: int(s[2:]))
modules = []
for i, name in enumerate(layers):
    w, b = arrays[f"{name}.weight"], arrays[f"{name}.bias"]
    linear = torch.nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(w))
        linear.bias.copy_(torch.from_numpy(b))
    modules.append(linear)
    if i < len(layers) - 1:
        modules.append(torch.nn.ReLU())
fp32 = torch.nn.Sequential(*modules).eval()
int8 = torch.quantization.quantize_dynamic(fp32, {torch.nn.Linear}, dtype=torch.qint8)
x = torch.from_numpy(arrays["x_test"].astype(np.float32)).reshape(len(arrays["y_test"]), -1)
y = torch.from_numpy(arrays["y_test"].astype(np.int64))


def accuracy(m):
    with torch.no_grad():
        return float((m(x).argmax(1) == y).float().mean())


def size(m):
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf)
    return buf.getbuffer().nbytes


t0 = time.time()
print(json.dumps({
    "torch": torch.__version__,
    "fp32 accuracy": accuracy(fp32),
    "quantize_dynamic accuracy": accuracy(int8),
    "state_dict bytes fp32": size(fp32),
    "state_dict bytes int8": size(int8),
    "seconds": time.time() - t0,
}))
