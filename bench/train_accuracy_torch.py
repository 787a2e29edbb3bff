"""PyTorch peer of bench/train-accuracy.ts: the same split (from the .npz that
script writes), models (bench/torch_throughput.py's), Adam lr 1e-3, batch 128,
epochs; test accuracy and samples/s. Debian's /usr/bin/python3. Prints one JSON line."""
import argparse, json, os, sys, time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from torch_throughput import MODELS  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("npz")
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--seeds", default="1")
p.add_argument("--models", default="mlp,lenet5,resnet8")
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
d = np.load(a.npz)


def shaped(x, name):
    x = torch.from_numpy(x).float()
    if name == "resnet8":  # as cifarSized in train-accuracy.ts
        img = torch.zeros(len(x), 3, 32, 32)
        img[:, :, 2:30, 2:30] = x.view(-1, 1, 28, 28)
        return img
    return x.view(len(x), *MODELS[name][1])


rows = []
for name, seed in [(n, int(s)) for n in a.models.split(",") for s in a.seeds.split(",")]:
    torch.manual_seed(seed)
    xtr, ytr = shaped(d["x_train"], name), torch.from_numpy(d["y_train"]).long()
    xte, yte = shaped(d["x_test"], name), torch.from_numpy(d["y_test"]).long()
    model = MODELS[name][0]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    train_seconds = 0.0
    cpu0 = time.process_time()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr))
        t0 = time.perf_counter()
        for s in range(0, len(xtr), 128):
            idx = order[s:s + 128]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
        train_seconds += time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[s:s + 500]).argmax(1) == yte[s:s + 500]).sum().item() for s in range(0, len(xte), 500)) / len(xte)
    cpu = time.process_time() - cpu0
    rows.append({"model": name, "seed": seed, "testAccuracy": acc, "samplesPerSec": round(a.epochs * len(xtr) / train_seconds),
                 "samplesPerCpuSec": round(a.epochs * len(xtr) / cpu), "threads": a.threads})
    print(json.dumps(rows[-1]), file=sys.stderr)
print(json.dumps({"torch": torch.__version__, "rows": rows}))
