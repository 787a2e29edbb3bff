#!/usr/bin/python3
"""Exports the parity fixtures from real PyTorch (Debian's python3-torch,
python3-torchvision, python3-onnx; run with /usr/bin/python3).

For every model it writes, under test/fixtures/models/:
  NAME.onnx             the model, batch axis dynamic ("batch")
  NAME.inputs.bB.npz    seeded random inputs for batch B in (1, 3)
  NAME.torch.bB.npz     PyTorch's own outputs, a sanity check of the export
Reference outputs (NAME.outputs.bB.npz) are computed by onnxruntime-node in
scripts/make-references.mjs, because onnxruntime is not packaged for Python
here; run that next.

  /usr/bin/python3 scripts/make-fixtures.py            # small fixtures (committed)
  /usr/bin/python3 scripts/make-fixtures.py --large    # resnet18, mobilenet_v2, shufflenet_v2_x0_5 -> test/fixtures/large/ (gitignored)
  node scripts/make-references.mjs [--large]

Weights are random (seeded); nothing is downloaded. BatchNorm statistics and
affine parameters are randomized: PyTorch's defaults make BatchNorm an identity
in eval mode, which would hide layout and folding bugs.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SEED = 20240601


def randomize_norms(model: nn.Module, gen: torch.Generator) -> None:
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=gen) * 0.2)
        elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=gen) * 0.2)


# ---------------------------------------------------------------- models

class ResidualCNN(nn.Module):
    """Conv+BN+ReLU stem, two residual blocks (one strided with a 1x1 projection), pools, Gemm."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.b1 = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                                nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16))
        self.b2 = nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
                                nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32))
        self.proj = nn.Sequential(nn.Conv2d(16, 32, 1, stride=2, bias=False), nn.BatchNorm2d(32))
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = F.relu(x + self.b1(x))
        x = F.relu(self.proj(x) + self.b2(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x)


class MobileBlock(nn.Module):
    """Depthwise/pointwise (MobileNetV2/V3 style): ReLU6 (Clip), HardSwish, squeeze-excite with HardSigmoid,
    dilated depthwise conv, average pooling, a transposed conv and LeakyReLU."""

    def __init__(self):
        super().__init__()
        self.expand = nn.Sequential(nn.Conv2d(4, 24, 1, bias=False), nn.BatchNorm2d(24), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(24, 24, 3, stride=2, padding=1, groups=24, bias=False), nn.BatchNorm2d(24), nn.Hardswish())
        self.se_fc1 = nn.Conv2d(24, 8, 1)
        self.se_fc2 = nn.Conv2d(8, 24, 1)
        self.project = nn.Sequential(nn.Conv2d(24, 12, 1, bias=False), nn.BatchNorm2d(12))
        self.dw_dilated = nn.Conv2d(12, 12, 3, padding=2, dilation=2, groups=12)
        self.up = nn.ConvTranspose2d(12, 6, 2, stride=2)
        self.pool = nn.AvgPool2d(4)
        self.head = nn.Linear(6 * 8 * 8, 5)

    def forward(self, x):
        y = self.dw(self.expand(x))
        s = F.adaptive_avg_pool2d(y, 1)
        s = F.hardsigmoid(self.se_fc2(F.relu(self.se_fc1(s))))
        y = self.project(y * s)
        y = y + self.dw_dilated(y)
        y = F.leaky_relu(self.up(y), 0.1)
        y = self.pool(y)
        return torch.log_softmax(self.head(torch.flatten(y, 1)), dim=1)


class ShuffleBlock(nn.Module):
    """ShuffleNetV2 style: channel split (Split/Slice), concat, channel shuffle (Reshape/Transpose/Reshape),
    PReLU, reflect and constant Pad, nearest and bilinear Resize, global max pool."""

    def __init__(self):
        super().__init__()
        self.branch = nn.Sequential(nn.Conv2d(8, 8, 1, bias=False), nn.BatchNorm2d(8), nn.PReLU(8),
                                    nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), nn.BatchNorm2d(8),
                                    nn.Conv2d(8, 8, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.mix = nn.Conv2d(16, 16, 3)
        self.head = nn.Linear(16, 7)

    @staticmethod
    def shuffle(x, groups):
        n, c, h, w = x.shape
        return x.reshape(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)

    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        y = self.shuffle(torch.cat([a, self.branch(b)], dim=1), 2)
        y = F.interpolate(y, scale_factor=2, mode="nearest")
        y = F.pad(y, (1, 1, 1, 1), mode="reflect")
        y = torch.sigmoid(self.mix(y))
        y = F.interpolate(y, size=(10, 10), mode="bilinear", align_corners=False)
        y = F.pad(y, (0, 1, 2, 0), value=0.5)
        y = F.adaptive_max_pool2d(y, 1).flatten(1)
        return self.head(y)


class TinyTransformer(nn.Module):
    """Token classifier: Embedding (Gather), learned positions, nn.TransformerEncoder (batch_first),
    masked mean pooling via Where/Equal, Linear."""

    def __init__(self, vocab=50, d=32, heads=4, layers=2, seq=12):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(1, seq, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, 4)

    def forward(self, tokens):
        x = self.embed(tokens) + self.pos
        x = self.norm(self.encoder(x))
        keep = (tokens != 0).unsqueeze(-1).to(x.dtype)
        x = (x * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
        return self.head(x)


class TinyViT(nn.Module):
    """Patch conv, flatten + transpose, cls token concatenated (Expand), position add,
    pre-norm encoder with GELU, cls slice, head."""

    def __init__(self, d=32, heads=4, layers=2, patch=4, image=16, channels=3, classes=6):
        super().__init__()
        self.patch = nn.Conv2d(channels, d, patch, stride=patch)
        n = (image // patch) ** 2
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.1)
        self.pos = nn.Parameter(torch.randn(1, n + 1, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=64, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        cls = self.cls.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos
        x = self.norm(self.encoder(x))
        return self.head(x[:, 0])


class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 24, num_layers=2, batch_first=True)
        self.head = nn.Linear(24, 3)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return self.head(torch.tanh(y[:, -1])) + c[-1].sum(dim=1, keepdim=True)


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 16, num_layers=1, batch_first=True, bidirectional=True)
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        y, h = self.gru(x)
        return torch.softmax(self.head(y.mean(dim=1)), dim=-1)


class MLP(nn.Module):
    """Gemm chain with ReLU, Tanh, Sigmoid, GELU (Erf), ELU-free, Dropout (gone in eval), Softmax."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 48), nn.GELU(),
                                 nn.Linear(48, 48), nn.Tanh(), nn.Linear(48, 10))

    def forward(self, x):
        h = self.net(x)
        return torch.softmax(h, dim=1), torch.sigmoid(h).max(dim=1, keepdim=True).values


# name -> (constructor, opset, [(input name, shape after batch, dtype, low, high)], output names)
SMALL = {
    "residual_cnn": (ResidualCNN, 13, [("image", (3, 32, 32), "float32", None, None)], ["logits"]),
    "mobile_block": (MobileBlock, 14, [("image", (4, 32, 32), "float32", None, None)], ["log_probs"]),
    "shuffle_block": (ShuffleBlock, 17, [("image", (16, 8, 8), "float32", None, None)], ["logits"]),
    "transformer": (TinyTransformer, 17, [("tokens", (12,), "int64", 0, 50)], ["logits"]),
    "vit": (TinyViT, 14, [("image", (3, 16, 16), "float32", None, None)], ["logits"]),
    "lstm": (LSTMClassifier, 13, [("sequence", (9, 10), "float32", None, None)], ["scores"]),
    "gru": (GRUClassifier, 14, [("sequence", (7, 10), "float32", None, None)], ["probs"]),
    "mlp": (MLP, 13, [("features", (32,), "float32", None, None)], ["probs", "confidence"]),
}


def large_models():
    import torchvision
    return {
        "resnet18": (lambda: torchvision.models.resnet18(weights=None), 13,
                     [("image", (3, 224, 224), "float32", None, None)], ["logits"]),
        "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), 13,
                         [("image", (3, 224, 224), "float32", None, None)], ["logits"]),
        # At full size for prune.channels' latency target (the sweep's export is 112×112).
        "shufflenet_v2_x0_5": (lambda: torchvision.models.shufflenet_v2_x0_5(weights=None), 13,
                               [("image", (3, 224, 224), "float32", None, None)], ["logits"]),
    }


def make_inputs(specs, batch, rng):
    arrays = {}
    for name, shape, dtype, low, high in specs:
        full = (batch, *shape)
        if dtype == "int64":
            arrays[name] = rng.integers(low, high, size=full, dtype=np.int64)
        else:
            arrays[name] = rng.standard_normal(full).astype(np.float32)
    return arrays


def export(name, spec, out_dir, batches):
    ctor, opset, inputs, outputs = spec
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = ctor()
    with torch.no_grad():
        randomize_norms(model, gen)
    model.eval()
    rng = np.random.default_rng(SEED)
    example = make_inputs(inputs, 2, rng)
    args = tuple(torch.from_numpy(example[i[0]]) for i in inputs)
    path = os.path.join(out_dir, f"{name}.onnx")
    dynamic = {i[0]: {0: "batch"} for i in inputs}
    dynamic.update({o: {0: "batch"} for o in outputs})
    torch.onnx.export(model, args, path, opset_version=opset, input_names=[i[0] for i in inputs],
                      output_names=outputs, dynamic_axes=dynamic, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    for batch in batches:
        feeds = make_inputs(inputs, batch, np.random.default_rng(SEED + batch))
        with torch.no_grad():
            result = model(*(torch.from_numpy(feeds[i[0]]) for i in inputs))
        result = result if isinstance(result, tuple) else (result,)
        np.savez(os.path.join(out_dir, f"{name}.inputs.b{batch}.npz"), **feeds)
        np.savez(os.path.join(out_dir, f"{name}.torch.b{batch}.npz"),
                 **{o: r.numpy() for o, r in zip(outputs, result)})
    size = os.path.getsize(path)
    print(f"{name}: opset {opset}, {size / 1024:.0f} KiB, ops {' '.join(ops)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="export torchvision resnet18, mobilenet_v2 and shufflenet_v2_x0_5 instead")
    parser.add_argument("--only", nargs="*", help="export only these fixtures")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.large:
        specs, out_dir, batches = large_models(), os.path.join(ROOT, "test", "fixtures", "large"), (1, 8)
    else:
        specs, out_dir, batches = SMALL, os.path.join(ROOT, "test", "fixtures", "models"), (1, 3)
    os.makedirs(out_dir, exist_ok=True)
    for name, spec in specs.items():
        if args.only and name not in args.only:
            continue
        export(name, spec, out_dir, batches)
    print(f"wrote {out_dir}; now run: node scripts/make-references.mjs{' --large' if args.large else ''}", file=sys.stderr)


if __name__ == "__main__":
    main()
