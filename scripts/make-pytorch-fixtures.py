#!/usr/bin/python3
"""Writes the PyTorch conversion fixtures with Debian's python3-torch (run with
/usr/bin/python3; the pyenv python3 on PATH has no torch).

For every architecture, under test/fixtures/pytorch/:
  NAME.pt            a state_dict saved by torch.save (seed A; BatchNorm and
                     LayerNorm statistics and every bias randomized, as after training)
  NAME.onnx          the same architecture exported by torch.onnx.export in eval
                     mode with OTHER weights: a fresh model with PyTorch's default
                     initialization (seed B), as a user exports it to get a graph.
                     Its Conv+BatchNorm pairs are folded and many names are lost;
                     equal default values (zero biases, unit norms) are deduplicated.
  NAME.inputs.npz    seeded inputs, keyed by the ONNX input names
  NAME.outputs.npz   PyTorch's outputs for the SAVED weights (seed A), keyed by output names
Bad inputs for the readers' error tests:
  legacy.pt          torch.save(..., _use_new_zipfile_serialization=False)
  evil_system.pt     a torch.save-shaped zip whose pickle calls os.system (never run by us)
  evil_eval.pt       the same with builtins.eval
  whole_model.pt     torch.save(model): pickles the module class, refused by name
  checkpoint.pt      {"model": state_dict, "epoch": 7, "optimizer": {...}}: nested checkpoint
  views.pt           views sharing storages (a transpose, a slice at an offset) and other dtypes;
                     views.expected.npz holds the same tensors made contiguous by numpy
  mlp_norms.safetensors  mlp_norms' state_dict in safetensors, laid out here by hand per the
                     spec (struct + json), since the safetensors package is not installed

  /usr/bin/python3 scripts/make-pytorch-fixtures.py           # small, committed (~300 KB)
  /usr/bin/python3 scripts/make-pytorch-fixtures.py --large   # torchvision resnet18, mobilenet_v3_small,
                                                              # efficientnet_b0, densenet121, a small ViT
                                                              # -> test/fixtures/large/pytorch/ (gitignored)
"""
import argparse
import io
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SEED_SAVED = 20240711
SEED_EXPORTED = 777
OPSET = 13


def randomize_all(model: nn.Module, gen: torch.Generator) -> None:
    """Every parameter and norm statistic random and distinct, as in a trained checkpoint."""
    with torch.no_grad():
        for p in model.parameters():
            # 1/sqrt(fan-in) keeps activations near unit scale through deep stacks.
            scale = p[0].numel() ** -0.5 if p.dim() > 1 else 0.2
            p.copy_(torch.randn(p.shape, generator=gen) * scale)
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
                m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.num_batches_tracked.fill_(1000)
            elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)


# ---------------------------------------------------------------- architectures

class CnnBn(nn.Module):
    """Conv (no bias) + BN, depthwise conv with bias + BN, residual add, 1x1 projection + BN, pools, Linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.dw_bn = nn.BatchNorm2d(8)
        self.pw = nn.Conv2d(8, 16, 1, stride=2, bias=False)
        self.pw_bn = nn.BatchNorm2d(16)
        self.proj = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2), nn.BatchNorm2d(16))
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = self.stem(x)
        y = F.relu6(self.dw_bn(self.dw(x)))
        y = self.pw_bn(self.pw(y))
        x = F.relu(y + self.proj(x))
        return self.head(self.pool(x).flatten(1))


class MlpNorms(nn.Module):
    """Linear, BatchNorm1d (not folded by the exporter), Dropout, LayerNorm, GELU, softmax head."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.bn = nn.BatchNorm1d(32)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(32, 24)
        self.norm = nn.LayerNorm(24)
        self.out = nn.Linear(24, 6)

    def forward(self, x):
        x = self.drop(F.relu(self.bn(self.fc1(x))))
        return F.softmax(self.out(F.gelu(self.norm(self.fc2(x)))), dim=-1)


class Encoder(nn.Module):
    """Token embedding, learned positions, 2-layer nn.TransformerEncoder (packed in_proj), mean-pool head."""

    def __init__(self, vocab=50, seq=8, d=16, heads=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, seq, d))
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=32, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.head = nn.Linear(d, 4)

    def forward(self, tokens):
        return self.head(self.encoder(self.embed(tokens) + self.pos).mean(dim=1))


class Recurrent(nn.Module):
    """2-layer bidirectional LSTM, then a GRU over its outputs, last step to a Linear head."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 7, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(14, 6, batch_first=True)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, _ = self.gru(y)
        return self.head(y[:, -1])


SMALL = {
    "cnn_bn": (CnnBn, {"image": (3, 16, 16)}),
    "mlp_norms": (MlpNorms, {"features": (20,)}),
    "encoder": (Encoder, {"tokens": ("int", 50, 8)}),
    "recurrent": (Recurrent, {"sequence": (6, 5)}),
}


def make_inputs(spec, batch, gen):
    inputs = {}
    for name, shape in spec.items():
        if shape[0] == "int":
            inputs[name] = torch.randint(0, shape[1], (batch, *shape[2:]), generator=gen)
        else:
            inputs[name] = torch.randn((batch, *shape), generator=gen)
    return inputs


def export(name, make, spec, out_dir):
    torch.manual_seed(SEED_SAVED)
    saved = make().eval()
    randomize_all(saved, torch.Generator().manual_seed(SEED_SAVED))
    torch.save(saved.state_dict(), os.path.join(out_dir, f"{name}.pt"))

    torch.manual_seed(SEED_EXPORTED)
    fresh = make().eval()  # PyTorch's default initialization: other weights, same architecture
    example = make_inputs(spec, 2, torch.Generator().manual_seed(1))
    input_names = list(spec)
    axes = {n: {0: "batch"} for n in input_names}
    axes["output"] = {0: "batch"}
    torch.onnx.export(fresh, tuple(example.values()), os.path.join(out_dir, f"{name}.onnx"), opset_version=OPSET,
                      input_names=input_names, output_names=["output"], dynamic_axes=axes)

    inputs = make_inputs(spec, 3, torch.Generator().manual_seed(2))
    with torch.no_grad():
        outputs = saved(*inputs.values())
    np.savez(os.path.join(out_dir, f"{name}.inputs.npz"), **{k: v.numpy() for k, v in inputs.items()})
    np.savez(os.path.join(out_dir, f"{name}.outputs.npz"), output=outputs.numpy())
    return saved


class _Call:
    """Pickles as a call of `fn(*args)`; pickling never runs it (and neither does compactor)."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def torch_shaped_zip(path, pickled):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickled)
        z.writestr("archive/version", "3\n")


def write_safetensors(path, state_dict):
    """The spec by hand: u64 header length, JSON header padded with spaces, tensors back to back."""
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    codes = {torch.float32: "F32", torch.int64: "I64"}
    for name, t in state_dict.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def small(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    models = {name: export(name, make, spec, out_dir) for name, (make, spec) in SMALL.items()}
    sd = models["cnn_bn"].state_dict()
    torch.save(sd, os.path.join(out_dir, "legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"model": sd, "epoch": 7, "optimizer": {"lr": 0.01, "betas": (0.9, 0.999)}}, os.path.join(out_dir, "checkpoint.pt"))
    torch.save(models["mlp_norms"], os.path.join(out_dir, "whole_model.pt"))
    torch_shaped_zip(os.path.join(out_dir, "evil_system.pt"), pickle.dumps(_Call(os.system, ("echo pwned",)), protocol=2))
    torch_shaped_zip(os.path.join(out_dir, "evil_eval.pt"), pickle.dumps(_Call(eval, ("1+1",)), protocol=2))
    write_safetensors(os.path.join(out_dir, "mlp_norms.safetensors"), models["mlp_norms"].state_dict())
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 7
    views = {"transposed": base.t(), "row_slice": base[1:3, 2:5], "column": base[:, 3], "base": base,
             "half": base.half()[::2], "long": torch.tensor([-(2 ** 40), 3, 5]), "flags": torch.tensor([True, False, True]),
             "bf16": base[0].bfloat16(), "scalar": torch.tensor(2.5)}
    torch.save(views, os.path.join(out_dir, "views.pt"))
    np.savez(os.path.join(out_dir, "views.expected.npz"),
             **{k: (v.float() if v.dtype == torch.bfloat16 else v).contiguous().numpy() for k, v in views.items()})


def large(out_dir):
    import torchvision.models as tvm
    os.makedirs(out_dir, exist_ok=True)
    from torchvision.models.vision_transformer import VisionTransformer
    for name in ("resnet18", "mobilenet_v3_small", "efficientnet_b0", "densenet121"):
        make = lambda: getattr(tvm, name)(weights=None, num_classes=100)
        export(name, make, {"image": (3, 64, 64)}, out_dir)
    vit = lambda: VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64, mlp_dim=128, num_classes=10)
    export("vit_tiny", vit, {"image": (3, 32, 32)}, out_dir)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true")
    args = parser.parse_args()
    if args.large:
        large(os.path.join(ROOT, "test", "fixtures", "large", "pytorch"))
    else:
        small(os.path.join(ROOT, "test", "fixtures", "pytorch"))
