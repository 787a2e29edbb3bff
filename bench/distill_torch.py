"""PyTorch peer of bench/distill.ts: the same split (read from the .npz that
script writes), models, optimizer and settings. Run with Debian's
/usr/bin/python3 (python3-torch). Prints one JSON line."""
import argparse, json, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("npz")
p.add_argument("--teacher-epochs", type=int, default=30)
p.add_argument("--student-epochs", type=int, default=20)
p.add_argument("--seeds", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)

d = np.load(a.npz)
xtr, ytr = torch.from_numpy(d["x_train"]).float(), torch.from_numpy(d["y_train"]).long()
xte, yte = torch.from_numpy(d["x_test"]).float(), torch.from_numpy(d["y_test"]).long()


def mlp(sizes, dropout=0.0, input_dropout=0.0):
    layers = [nn.Dropout(input_dropout)] if input_dropout else []
    for i in range(1, len(sizes)):
        layers.append(nn.Linear(sizes[i - 1], sizes[i]))
        if i < len(sizes) - 1:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def shift(x, g, k=2):
    """Random whole-pixel shifts up to ±k, zero fill (as src/train/augment.ts)."""
    img = x.view(-1, 28, 28)
    out = torch.zeros_like(img)
    dx = torch.randint(-k, k + 1, (len(x),), generator=g)
    dy = torch.randint(-k, k + 1, (len(x),), generator=g)
    for i in range(len(x)):
        sx, sy = int(dx[i]), int(dy[i])
        out[i, max(0, sy):28 + min(0, sy), max(0, sx):28 + min(0, sx)] = img[i, max(0, -sy):28 - max(0, sy), max(0, -sx):28 - max(0, sx)]
    return out.view(-1, 784)


def fit(model, epochs, seed, augment=False, teacher=None, T=4.0, alpha=0.9):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        model.train()
        for idx in torch.randperm(len(xtr), generator=g).split(128):
            x, y = xtr[idx], ytr[idx]
            if augment:
                x = shift(x, g)
            s = model(x)
            if teacher is None:
                loss = F.cross_entropy(s, y)
            else:
                with torch.no_grad():
                    t = teacher(x)
                kl = F.kl_div(F.log_softmax(s / T, 1), F.log_softmax(t / T, 1), reduction="batchmean", log_target=True)
                loss = alpha * T * T * kl + (1 - alpha) * F.cross_entropy(s, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    return model


def acc(model):
    with torch.no_grad():
        return (model(xte).argmax(1) == yte).float().mean().item()


rows = []
start = time.time()
for seed in range(1, a.seeds + 1):
    torch.manual_seed(seed)
    teacher = fit(mlp([784, 1200, 1200, 10], 0.5, 0.2), a.teacher_epochs, seed, augment=True)
    row = {"seed": seed, "teacher": acc(teacher)}
    for sizes in ([784, 300, 100, 10], [784, 30, 10]):
        name = "-".join(map(str, sizes))
        torch.manual_seed(100 + seed)
        row[name + " alone"] = acc(fit(mlp(sizes), a.student_epochs, seed))
        torch.manual_seed(100 + seed)
        row[name + " distilled"] = acc(fit(mlp(sizes), a.student_epochs, seed, teacher=teacher))
    rows.append(row)

mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k != "seed"}
for name in ("784-300-100-10", "784-30-10"):
    mean[name + " gap closed"] = (mean[name + " distilled"] - mean[name + " alone"]) / (mean["teacher"] - mean[name + " alone"])
print(json.dumps({"rows": rows, "mean": mean, "seconds": time.time() - start}))
