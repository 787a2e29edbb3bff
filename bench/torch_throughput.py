"""PyTorch peer for bench/train-throughput.ts: training samples/s of the MLP
784-1200-1200-10 (or LeNet-5), batch 128, Adam, on CPU with a fixed number of
threads. Run with Debian's python3-torch:

    /usr/bin/python3 bench/torch_throughput.py [--threads 2] [--steps 30] [--model mlp|lenet5|resnet8]

Prints one JSON line; samplesPerCpuSec divides by process CPU time (all threads),
which a shared machine disturbs less than wall time.
"""
import argparse
import json
import os
import time

import torch
from torch import nn


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(784, 1200), nn.ReLU(), nn.Linear(1200, 1200), nn.ReLU(), nn.Linear(1200, 10))


def lenet5() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


class Block(nn.Module):
    """ResNet basic block: conv-BN-ReLU, conv-BN, + shortcut (1x1 stride-s conv-BN when the shape changes), ReLU."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout),
        )
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


def resnet8() -> nn.Module:
    """bench/resnet8.ts in PyTorch: stem 16, stages 16-32-64 (one block each), GAP, linear."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )


MODELS = {"mlp": (mlp, (784,)), "lenet5": (lenet5, (1, 28, 28)), "resnet8": (resnet8, (3, 32, 32))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--model", choices=sorted(MODELS), default="mlp")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    build, sample = MODELS[args.model]
    model = build()
    shape = (args.batch, *sample)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batches = [(torch.rand(shape), torch.randint(0, 10, (args.batch,))) for _ in range(args.steps)]

    def epoch() -> None:
        for x, y in batches:
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            optimizer.step()

    epoch()  # warm-up, as the tfjs side measures its second epoch
    cpu0, wall0 = time.process_time(), time.perf_counter()
    epoch()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    samples = args.steps * args.batch
    print(json.dumps({
        "bench": "torch_throughput", "model": args.model, "torch": torch.__version__, "threads": args.threads,
        "batchSize": args.batch, "steps": args.steps,
        "samplesPerSec": round(samples / wall, 1), "msPerStep": round(wall / args.steps * 1000, 1),
        "samplesPerCpuSec": round(samples / cpu, 1), "loadAverage": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
