#!/usr/bin/python3
"""Exports the robustness sweep: torchvision classification models, transformer
encoders and LSTM/GRU classifiers, each at ONNX opsets 13 and 14, with random
weights (nothing is downloaded) and randomized BatchNorm/LayerNorm parameters,
into the gitignored test/fixtures/large/sweep/. bench/sweep.mjs then runs every
exported model on the tfjs runtime and on onnxruntime and compares them.

  /usr/bin/python3 scripts/sweep-torchvision.py              # everything (slow: ~10-20 min here)
  /usr/bin/python3 scripts/sweep-torchvision.py --only resnet18 lstm_bi
  node bench/sweep.mjs                                       # after `npm run build`

Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14): the pyenv
python3 on PATH has no torch. Inputs are smaller than the 224x224 the models
were designed for where the architecture allows it, to keep the sweep's run
time sane; the ops and layouts exercised are the same.

sweep/manifest.json lists, per exported file: the model, family, opset, input
names with their batch axis, the integer range for token inputs, and every
export that failed with PyTorch's message (so a model the exporter cannot
handle is reported, not silently missing).
"""
import argparse
import importlib.util
import json
import os
import sys
import time
import traceback

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tvm
from torchvision.models.vision_transformer import VisionTransformer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "large", "sweep")
SEED = 20240607
OPSETS = (13, 14)
# Export-time length of a symbolic "seq" axis; bench/sweep.mjs runs another length, so the
# exported graph must really compute its shapes at run time.
SEQ_AT_EXPORT = 11

# The fixture script's norm randomizer (PyTorch's default BatchNorm is an identity in eval mode).
_spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(os.path.dirname(__file__), "make-fixtures.py"))
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
randomize_norms = _fixtures.randomize_norms


# ---------------------------------------------------------------- sequence models

class Encoder(nn.Module):
    """nn.TransformerEncoder over float features, mean-pooled, Linear head.
    batch_first=False puts the batch on axis 1 (the input is [seq, batch, d])."""

    def __init__(self, batch_first=True, norm_first=False, activation="relu", layers=2, d=32, heads=4, masked=False):
        super().__init__()
        self.batch_first = batch_first
        self.masked = masked
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=2 * d, dropout=0.1, activation=activation,
                                           batch_first=batch_first, norm_first=norm_first)
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.head = nn.Linear(d, 5)

    def forward(self, x, pad_mask=None):
        if self.masked:
            # Key padding mask from the caller (True = ignore); position 0 is always kept so
            # no row is fully masked (that would be NaN in every runtime).
            pad_mask = pad_mask & (torch.arange(pad_mask.shape[1]) != 0)
            y = self.encoder(x, src_key_padding_mask=pad_mask)
        else:
            y = self.encoder(x)
        return self.head(y.mean(dim=1 if self.batch_first else 0))


class CausalEncoder(nn.Module):
    """Token embedding, learned positions, causal (square subsequent, -inf) attention mask, last-token head."""

    def __init__(self, vocab=40, seq=10, d=32, heads=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(1, seq, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=64, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(seq))
        self.head = nn.Linear(d, 3)

    def forward(self, tokens):
        y = self.encoder(self.embed(tokens) + self.pos, mask=self.mask)
        return self.head(y[:, -1])


class Recurrent(nn.Module):
    """LSTM or GRU classifier; the head reads the last time step and the final hidden state."""

    def __init__(self, cell, layers, bidirectional, batch_first, features=12, hidden=20, initial_state=False):
        super().__init__()
        self.cell = cell
        self.batch_first = batch_first
        self.initial_state = initial_state
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(features, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
        dirs = 2 if bidirectional else 1
        self.head = nn.Linear(hidden * dirs + hidden, 4)

    def forward(self, x, *state):
        if self.initial_state:
            state = state if self.cell == "lstm" else state[0]
            y, h = self.rnn(x, state)
        else:
            y, h = self.rnn(x)
        h = h[0] if self.cell == "lstm" else h
        last = y[:, -1] if self.batch_first else y[-1]
        return self.head(torch.cat([last, h[-1]], dim=1))


class TokenLSTM(nn.Module):
    """Embedding + LSTM + LogSoftmax: the text-classifier shape."""

    def __init__(self, vocab=60, d=16, hidden=24):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.rnn = nn.LSTM(d, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 6)

    def forward(self, tokens):
        y, _ = self.rnn(self.embed(tokens))
        return torch.log_softmax(self.head(y.max(dim=1).values), dim=-1)


class TextTransformer(nn.Module):
    """Text classifier with a run-time sequence length: padding-aware Embedding, sinusoidal
    positions sliced to the input's length, key padding mask from token 0, masked mean pooling."""

    def __init__(self, vocab=50, d=32, heads=4, max_len=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, d, padding_idx=0)
        position = torch.arange(max_len).unsqueeze(1)
        freq = torch.exp(torch.arange(0, d, 2) * (-torch.log(torch.tensor(10000.0)) / d))
        pe = torch.zeros(max_len, d)
        pe[:, 0::2] = torch.sin(position * freq)
        pe[:, 1::2] = torch.cos(position * freq)
        self.register_buffer("pe", pe)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d, 3)

    def forward(self, tokens):
        # Token 0 is padding; the first position is always kept so no row is fully masked.
        pad = (tokens == 0) & (torch.arange(tokens.shape[1]) > 0)
        x = self.embed(tokens) * (self.embed.embedding_dim ** 0.5) + self.pe[: tokens.shape[1]]
        y = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(y.dtype)
        return self.head((y * keep).sum(dim=1) / keep.sum(dim=1))


class CrossAttention(nn.Module):
    """nn.MultiheadAttention used directly: separate key/value sizes (kdim/vdim), no bias,
    averaged attention weights returned and used."""

    def __init__(self, d=32, kdim=24, heads=4):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, kdim=kdim, vdim=kdim, bias=False, batch_first=True)
        self.head = nn.Linear(d, 4)

    def forward(self, query, memory):
        y, weights = self.attn(query, memory, memory, need_weights=True)
        return self.head(y.mean(dim=1)) + weights.amax(dim=(1, 2)).unsqueeze(-1)


class ExtraLayers(nn.Module):
    """Layers beyond torchvision's classifiers that custom image models use: GroupNorm and
    InstanceNorm, CELU, Mish, Softsign, GLU, LPPool, ceil-mode pools, circular padding,
    PixelShuffle, bicubic upsampling, adaptive max pooling, sign/round, isnan guards,
    logsumexp, BatchNorm1d in the head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, padding_mode="circular"), nn.GroupNorm(4, 16), nn.CELU(0.7))
        self.block = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.InstanceNorm2d(16, affine=True), nn.Mish(),
                                   nn.MaxPool2d(3, 2, ceil_mode=True))
        self.gate = nn.Conv2d(16, 32, 1)
        self.up = nn.Sequential(nn.Conv2d(16, 64, 1), nn.PixelShuffle(2), nn.Upsample(scale_factor=0.5, mode="bicubic"))
        self.lp = nn.LPPool2d(2, 2, ceil_mode=False)
        self.head = nn.Sequential(nn.Linear(16 * 2 * 2 + 16, 32), nn.BatchNorm1d(32), nn.Softsign(), nn.Linear(32, 6))

    def forward(self, x):
        y = self.block(self.stem(x))
        y = F.glu(self.gate(y), dim=1)
        y = self.up(y) + torch.sign(y) * torch.round(y * 4) / 4
        y = torch.where(torch.isnan(y) | torch.isinf(y), torch.zeros_like(y), y)
        pooled = F.adaptive_max_pool2d(self.lp(F.avg_pool2d(y, 3, 1, 1, ceil_mode=True, count_include_pad=False)), 2)
        summary = torch.logsumexp(y.flatten(2), dim=2)
        return self.head(torch.cat([pooled.flatten(1), summary], dim=1))


# ---------------------------------------------------------------- the sweep

def image(size, channels=3):
    return [{"name": "image", "shape": [None, channels, size, size], "dtype": "float32", "batchAxis": 0}]


def seq(name, shape, batch_axis, dtype="float32"):
    return {"name": name, "shape": shape, "dtype": dtype, "batchAxis": batch_axis}


def small_vit():
    # vit_b_16's exact structure (conv patchify, class token, encoder blocks with GELU MLPs), made small.
    return VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=4, hidden_dim=64, mlp_dim=128)


# name -> (family, constructor, inputs (None marks the batch axis), integer input range or None)
MODELS = {
    "resnet18": ("cnn", lambda: tvm.resnet18(), image(112), None),
    "resnet50": ("cnn", lambda: tvm.resnet50(), image(96), None),
    "resnext50_32x4d": ("cnn", lambda: tvm.resnext50_32x4d(), image(64), None),
    "wide_resnet50_2": ("cnn", lambda: tvm.wide_resnet50_2(), image(64), None),
    "mobilenet_v2": ("cnn", lambda: tvm.mobilenet_v2(), image(112), None),
    "mobilenet_v3_small": ("cnn", lambda: tvm.mobilenet_v3_small(), image(112), None),
    "mobilenet_v3_large": ("cnn", lambda: tvm.mobilenet_v3_large(), image(112), None),
    "efficientnet_b0": ("cnn", lambda: tvm.efficientnet_b0(), image(112), None),
    "efficientnet_v2_s": ("cnn", lambda: tvm.efficientnet_v2_s(), image(96), None),
    "regnet_x_400mf": ("cnn", lambda: tvm.regnet_x_400mf(), image(112), None),
    "regnet_y_400mf": ("cnn", lambda: tvm.regnet_y_400mf(), image(112), None),
    "squeezenet1_0": ("cnn", lambda: tvm.squeezenet1_0(), image(112), None),
    "squeezenet1_1": ("cnn", lambda: tvm.squeezenet1_1(), image(112), None),
    "shufflenet_v2_x0_5": ("cnn", lambda: tvm.shufflenet_v2_x0_5(), image(112), None),
    "mnasnet0_5": ("cnn", lambda: tvm.mnasnet0_5(), image(112), None),
    "densenet121": ("cnn", lambda: tvm.densenet121(), image(64), None),
    "googlenet": ("cnn", lambda: tvm.googlenet(init_weights=True), image(96), None),
    "inception_v3": ("cnn", lambda: tvm.inception_v3(init_weights=True), image(139), None),
    # At 224x224 alexnet's features end at 6x6, so AdaptiveAvgPool2d(6) is an identity; smaller inputs would need
    # a non-divisible adaptive pool that the ONNX exporter refuses.
    "alexnet": ("cnn", lambda: tvm.alexnet(), image(224), None),
    "convnext_tiny": ("cnn", lambda: tvm.convnext_tiny(), image(64), None),
    "vit_small": ("vit", small_vit, image(64), None),
    "swin_t": ("vit", lambda: tvm.swin_t(), image(64), None),
    "encoder_batch_first": ("transformer", lambda: Encoder(batch_first=True), [seq("x", [None, 11, 32], 0)], None),
    "encoder_seq_first": ("transformer", lambda: Encoder(batch_first=False), [seq("x", [11, None, 32], 1)], None),
    "encoder_norm_first_gelu": ("transformer", lambda: Encoder(norm_first=True, activation="gelu"),
                                [seq("x", [None, 11, 32], 0)], None),
    "encoder_key_padding_mask": ("transformer", lambda: Encoder(masked=True),
                                 [seq("x", [None, 11, 32], 0), seq("pad_mask", [None, 11], 0, "bool")], None),
    "encoder_causal_tokens": ("transformer", CausalEncoder, [seq("tokens", [None, 10], 0, "int64")], 40),
    "lstm_2layer_batch_first": ("rnn", lambda: Recurrent("lstm", 2, False, True), [seq("x", [None, 9, 12], 0)], None),
    "lstm_bidirectional": ("rnn", lambda: Recurrent("lstm", 2, True, True), [seq("x", [None, 9, 12], 0)], None),
    "lstm_seq_first_state": ("rnn", lambda: Recurrent("lstm", 1, True, False, initial_state=True),
                             [seq("x", [9, None, 12], 1), seq("h0", [2, None, 20], 1), seq("c0", [2, None, 20], 1)], None),
    "gru_2layer_batch_first": ("rnn", lambda: Recurrent("gru", 2, False, True), [seq("x", [None, 9, 12], 0)], None),
    "gru_bidirectional_seq_first": ("rnn", lambda: Recurrent("gru", 3, True, False), [seq("x", [9, None, 12], 1)], None),
    "gru_initial_state": ("rnn", lambda: Recurrent("gru", 1, False, True, initial_state=True),
                          [seq("x", [None, 9, 12], 0), seq("h0", [1, None, 20], 1)], None),
    "lstm_tokens": ("rnn", TokenLSTM, [seq("tokens", [None, 14], 0, "int64")], 60),
    # Export variants that change the graph PyTorch writes rather than the model.
    "resnet18_unfolded": ("variant", lambda: tvm.resnet18(), image(64), None, {"fold": False}),
    "resnet18_batchnorm_kept": ("variant", lambda: tvm.resnet18(), image(64), None, {"preserve": True}),
    "mobilenet_v3_small_unfolded": ("variant", lambda: tvm.mobilenet_v3_small(), image(64), None, {"fold": False}),
    "vit_small_unfolded": ("variant", small_vit, image(64), None, {"fold": False}),
    "encoder_unfolded": ("variant", lambda: Encoder(norm_first=True, activation="gelu"), [seq("x", [None, 11, 32], 0)], None,
                         {"fold": False}),
    "lstm_unfolded": ("variant", lambda: Recurrent("lstm", 2, True, True), [seq("x", [None, 9, 12], 0)], None, {"fold": False}),
    # A symbolic sequence axis: shapes are computed at run time (bench/sweep.mjs runs another length).
    "encoder_dynamic_seq": ("transformer", lambda: Encoder(batch_first=True), [seq("x", [None, "seq", 32], 0)], None),
    "encoder_seq_first_dynamic_seq": ("transformer", lambda: Encoder(batch_first=False), [seq("x", ["seq", None, 32], 1)], None),
    "text_transformer_dynamic_seq": ("transformer", TextTransformer, [seq("tokens", [None, "seq"], 0, "int64")], 50),
    "cross_attention": ("transformer", CrossAttention,
                        [seq("query", [None, 6, 32], 0), seq("memory", [None, "seq", 24], 0)], None),
    "lstm_bidirectional_dynamic_seq": ("rnn", lambda: Recurrent("lstm", 2, True, True), [seq("x", [None, "seq", 12], 0)], None),
    "gru_seq_first_dynamic_seq": ("rnn", lambda: Recurrent("gru", 2, True, False), [seq("x", ["seq", None, 12], 1)], None),
    "lstm_tokens_dynamic_seq": ("rnn", TokenLSTM, [seq("tokens", [None, "seq"], 0, "int64")], 60),
    "extra_layers": ("layers", ExtraLayers, image(32), None),
    "maxvit_t": ("vit", lambda: tvm.maxvit_t(), image(224), None),
    "swin_v2_t": ("vit", lambda: tvm.swin_v2_t(), image(64), None),
}


def example_args(inputs, batch, gen, int_max):
    args = []
    for spec in inputs:
        shape = [batch if d is None else SEQ_AT_EXPORT if isinstance(d, str) else d for d in spec["shape"]]
        if spec["dtype"] == "int64":
            args.append(torch.randint(0, int_max, shape, generator=gen))
        elif spec["dtype"] == "bool":
            args.append(torch.rand(shape, generator=gen) < 0.3)
        else:
            args.append(torch.randn(shape, generator=gen))
    return tuple(args)


def export(name, family, ctor, inputs, int_max, opset, fold=True, preserve=False):
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = ctor()
    with torch.no_grad():
        randomize_norms(model, gen)
        # Some heads start at zero (torchvision's ViT): the output would be all zeros and the
        # comparison meaningless, so give them random weights like every other layer.
        for m in model.modules():
            if isinstance(m, nn.Linear) and not m.weight.any():
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * 0.05)
    model.eval()
    args = example_args(inputs, 2, gen, int_max)
    path = os.path.join(OUT, f"{name}.opset{opset}.onnx")
    dynamic = {spec["name"]: {axis: "batch" if d is None else d for axis, d in enumerate(spec["shape"]) if not isinstance(d, int)}
               for spec in inputs}
    dynamic["output"] = {0: "batch"}
    # fold=False keeps weight arithmetic and shape chains in the graph; preserve=True keeps
    # BatchNormalization nodes instead of folding them into the convolutions.
    mode = torch.onnx.TrainingMode.PRESERVE if preserve else torch.onnx.TrainingMode.EVAL
    start = time.time()
    # Not under no_grad: with gradients off, PyTorch's encoder layers take a fused fast path
    # (aten::_transformer_encoder_layer_fwd) that has no ONNX export.
    torch.onnx.export(model, args, path, opset_version=opset, input_names=[s["name"] for s in inputs],
                      output_names=["output"], dynamic_axes=dynamic, do_constant_folding=fold, training=mode)
    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    return {
        "name": name,
        "family": family,
        "opset": opset,
        "file": os.path.basename(path),
        "inputs": [{"name": s["name"], "batchAxis": s["batchAxis"], "dtype": s["dtype"],
                    "symbolic": sorted({d for d in s["shape"] if isinstance(d, str)})} for s in inputs],
        "options": {"fold": fold, "preserve": preserve},
        "intMax": int_max,
        "params": sum(p.numel() for p in model.parameters()),
        "bytes": os.path.getsize(path),
        "ops": sorted({n.op_type for n in proto.graph.node}),
        "exportSeconds": round(time.time() - start, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="export only these models (names as in MODELS)")
    parser.add_argument("--opsets", nargs="*", type=int, default=list(OPSETS))
    args = parser.parse_args()
    unknown = [n for n in args.only or [] if n not in MODELS]
    if unknown:
        sys.exit(f"unknown model(s) {unknown}; must be one of {sorted(MODELS)}")
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    manifest_path = os.path.join(OUT, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {"models": [], "failed": []}
    for name, (family, ctor, inputs, int_max, *options) in MODELS.items():
        if args.only and name not in args.only:
            continue
        for opset in args.opsets:
            manifest["models"] = [m for m in manifest["models"] if not (m["name"] == name and m["opset"] == opset)]
            manifest["failed"] = [m for m in manifest["failed"] if not (m["name"] == name and m["opset"] == opset)]
            try:
                entry = export(name, family, ctor, inputs, int_max, opset, **(options[0] if options else {}))
                manifest["models"].append(entry)
                print(f"{name} opset {opset}: {entry['bytes'] / 2**20:.1f} MiB in {entry['exportSeconds']} s; ops {' '.join(entry['ops'])}", flush=True)
            except Exception as error:  # an exporter failure is a result of the sweep, recorded with its reason
                message = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
                manifest["failed"].append({"name": name, "family": family, "opset": opset, "error": message})
                print(f"{name} opset {opset}: EXPORT FAILED {message}", flush=True)
                traceback.print_exc(limit=2)
            with open(manifest_path, "w") as f:
                json.dump(manifest, f, indent=1)
    print(f"wrote {manifest_path}; now: npm run build && node bench/sweep.mjs", file=sys.stderr)


if __name__ == "__main__":
    main()
