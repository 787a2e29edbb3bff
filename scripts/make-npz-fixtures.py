#!/usr/bin/env python3
"""Writes small .npy/.npz files with numpy into test/fixtures/npz/, plus
expected.json (dtype, shape and values of every array) that the TypeScript
tests compare against. Rerun: python3 scripts/make-npz-fixtures.py"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "npz")
os.makedirs(OUT, exist_ok=True)

arrays = {
    "float32": np.array([[0.5, -1.25, 3.0], [1e-8, 65504.0, -0.0]], dtype=np.float32),
    "float64": np.array([0.1, -2.5e300, 1.0 / 3.0], dtype=np.float64),
    "float16": np.array([1.0, -2.0, 0.33325], dtype=np.float16),
    "int8": np.array([-128, 0, 127], dtype=np.int8),
    "uint8": np.arange(0, 256, 51, dtype=np.uint8).reshape(2, 3),
    "int16": np.array([-32768, 1, 32767], dtype=np.int16),
    "uint16": np.array([0, 65535], dtype=np.uint16),
    "int32": np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 12,
    "int64": np.array([-(2**63), 2**53 + 1, 7], dtype=np.int64),
    "bool": np.array([True, False, True, True]),
    "scalar": np.array(3.5, dtype=np.float32),
    "empty": np.zeros((0, 4), dtype=np.float32),
}


def expected(a):
    values = a.reshape(-1).tolist()
    if a.dtype.kind in "iu" and a.dtype.itemsize == 8:
        values = [str(v) for v in values]  # beyond 2^53: exact as strings
    if a.dtype.kind == "f":
        values = [float(v) for v in values]
    return {"dtype": "bool" if a.dtype == np.bool_ else str(a.dtype), "shape": list(a.shape), "values": values}


manifest = {"npy": {}, "npz": {}}
for name, a in arrays.items():
    np.save(os.path.join(OUT, f"{name}.npy"), a)
    manifest["npy"][f"{name}.npy"] = expected(a)

# Header versions 2.0 and 3.0 (numpy writes them for huge or non-latin1 headers).
for version in [(2, 0), (3, 0)]:
    name = f"v{version[0]}.npy"
    with open(os.path.join(OUT, name), "wb") as f:
        np.lib.format.write_array(f, arrays["float32"], version=version)
    manifest["npy"][name] = expected(arrays["float32"])

# Big-endian data: read by swapping bytes.
np.save(os.path.join(OUT, "big-endian.npy"), arrays["int32"].astype(">i4"))
manifest["npy"]["big-endian.npy"] = expected(arrays["int32"])

# Fortran order: must be refused with a clear message.
np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(arrays["int32"]))

# Zips: stored (np.savez, numpy forces zip64 extra fields) and deflated.
some = {k: arrays[k] for k in ["float32", "int64", "bool", "uint8"]}
np.savez(os.path.join(OUT, "stored.npz"), **some)
np.savez_compressed(os.path.join(OUT, "deflated.npz"), **some)
manifest["npz"] = {k: expected(v) for k, v in some.items()}

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(f"numpy {np.__version__}: wrote {len(os.listdir(OUT))} files to {os.path.normpath(OUT)}")
