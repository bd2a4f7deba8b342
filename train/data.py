"""Fashion-MNIST from Debian's dataset-fashion-mnist package (idx format, gzip)."""
import gzip
import os
import struct

import numpy as np
import torch

DATA_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    """Parse an idx file: magic (0,0,dtype,ndim), ndim big-endian u32 dims, then data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not a uint8 idx file")
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size mismatch")
    return data.reshape(dims)


def load(split="train"):
    """Returns (images uint8 tensor (N,1,32,32) zero-padded by 2, labels int64 (N,))."""
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    x = np.pad(x, ((0, 0), (2, 2), (2, 2)))[:, None]
    return torch.from_numpy(x.copy()), torch.from_numpy(y.astype(np.int64))


def to_model_range(x_uint8):
    """uint8 [0,255] -> float [-1,1], the range the diffusion model works in."""
    return x_uint8.float() / 127.5 - 1.0
