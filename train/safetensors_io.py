"""Minimal safetensors reader/writer (Debian's torch ships without the safetensors package).

Layout: u64 little-endian header size N | N bytes of JSON header | raw tensor bytes.
Header: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}
with offsets relative to the start of the byte buffer. We pad the header with spaces to a
multiple of 8 so every tensor starts 8-byte aligned, and store tensors in name order.
"""
import json
import struct

import numpy as np
import torch

_DTYPES = {torch.float32: ("F32", np.float32), torch.int32: ("I32", np.int32),
           torch.int64: ("I64", np.int64), torch.float16: ("F16", np.float16)}
_NP = {v[0]: v[1] for v in _DTYPES.values()}


def save(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _DTYPES:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        code, npt = _DTYPES[t.dtype]
        raw = t.numpy().astype(np.dtype(npt).newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for b in blobs:
            f.write(b)


def load(path):
    """Returns (dict name -> torch tensor, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    base, out = 8 + n, {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(raw[base + b:base + e], dtype=np.dtype(_NP[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(arr.astype(_NP[info["dtype"]]).reshape(info["shape"]))
    return out, meta
