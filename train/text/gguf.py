"""A minimal GGUF v3 writer (Debian ships no gguf package): metadata and F32 tensors.

Layout (ggml docs/gguf.md): magic "GGUF", u32 version, u64 tensor count, u64 kv count,
the key-values, the tensor infos (name, n_dims, dims fastest-first, ggml type, offset),
padding to general.alignment (32), then the tensor data, each tensor aligned to 32.
"""
import struct

import numpy as np

ALIGN = 32
GGML_F32 = 0

# gguf_type numbers
T_UINT32, T_INT32, T_FLOAT32, T_BOOL, T_STRING, T_ARRAY = 4, 5, 6, 7, 8, 9


def _str(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def _value(v):
    """Returns (type, payload). Python ints become uint32 (int32 if negative), floats float32."""
    if isinstance(v, bool):
        return T_BOOL, struct.pack("<B", v)
    if isinstance(v, int):
        return (T_INT32, struct.pack("<i", v)) if v < 0 else (T_UINT32, struct.pack("<I", v))
    if isinstance(v, float):
        return T_FLOAT32, struct.pack("<f", v)
    if isinstance(v, str):
        return T_STRING, _str(v)
    if isinstance(v, (list, tuple)):
        if not v:
            raise ValueError("empty arrays carry no element type")
        et = _value(v[0])[0]
        if et == T_UINT32 and any(x < 0 for x in v):
            et = T_INT32
        out = struct.pack("<IQ", et, len(v))
        for x in v:
            t, p = _value(x)
            if et == T_INT32 and t == T_UINT32:
                p = struct.pack("<i", x)
            elif t != et:
                raise ValueError(f"mixed array element types {t} and {et}")
            out += p
        return T_ARRAY, out
    raise ValueError(f"unsupported metadata value {v!r}")


def write(path, metadata, tensors):
    """metadata: dict key -> value (insertion order kept); tensors: dict name -> array.

    Arrays are given in PyTorch order (slowest dimension first) and written as f32 with
    their dimensions reversed, as GGUF lists them fastest-first.
    """
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for k, v in metadata.items():
        t, p = _value(v)
        head += _str(k) + struct.pack("<I", t) + p
    blobs, off = [], 0
    for name, arr in tensors.items():
        a = np.ascontiguousarray(np.asarray(arr, dtype="<f4"))
        dims = list(reversed(a.shape))
        head += _str(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        head += struct.pack("<IQ", GGML_F32, off)
        raw = a.tobytes()
        raw += b"\0" * (-len(raw) % ALIGN)
        blobs.append(raw)
        off += len(raw)
    head += b"\0" * (-len(head) % ALIGN)
    with open(path, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)
