"""A minimal GGUF v3 writer (Debian ships no gguf package): metadata and F32 tensors.

Layout (ggml docs/gguf.md): magic "GGUF", u32 version, u64 tensor count, u64 kv count,
the key-values, the tensor infos (name, n_dims, dims fastest-first, ggml type, offset),
padding to general.alignment (32), then the tensor data, each tensor aligned to 32.
"""
import struct
from collections import namedtuple

import numpy as np

ALIGN = 32
GGML_F32 = 0
GGML_Q8_0 = 8

# A tensor already in its storage layout: ggml type number, PyTorch-order shape, raw bytes.
Raw = namedtuple("Raw", "ggml_type shape data")

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
    """metadata: dict key -> value (insertion order kept); tensors: dict name -> array or Raw.

    Arrays are given in PyTorch order (slowest dimension first) and written as f32 with
    their dimensions reversed, as GGUF lists them fastest-first. Raw tensors are written
    as they are (for example Q8_0 blocks made by `genplay quantize`).
    """
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for k, v in metadata.items():
        t, p = _value(v)
        head += _str(k) + struct.pack("<I", t) + p
    blobs, off = [], 0
    for name, arr in tensors.items():
        if isinstance(arr, Raw):
            ggml_type, shape, raw = arr
        else:
            a = np.ascontiguousarray(np.asarray(arr, dtype="<f4"))
            ggml_type, shape, raw = GGML_F32, a.shape, a.tobytes()
        dims = list(reversed(shape))
        head += _str(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        head += struct.pack("<IQ", ggml_type, off)
        raw += b"\0" * (-len(raw) % ALIGN)
        blobs.append(raw)
        off += len(raw)
    head += b"\0" * (-len(head) % ALIGN)
    with open(path, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)


# Scalar gguf_type number -> struct format (arrays and strings are handled in _read_value).
_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


def _read_value(buf, pos, t):
    if t == T_STRING:
        (n,) = struct.unpack_from("<Q", buf, pos)
        return buf[pos + 8:pos + 8 + n].decode("utf-8"), pos + 8 + n
    if t == T_ARRAY:
        et, n = struct.unpack_from("<IQ", buf, pos)
        pos += 12
        out = []
        for _ in range(n):
            v, pos = _read_value(buf, pos, et)
            out.append(v)
        return out, pos
    f = "<" + _SCALAR[t]
    return struct.unpack_from(f, buf, pos)[0], pos + struct.calcsize(f)


def read(path):
    """Reads a (trusted, uncompressed) GGUF v3 file: (metadata dict, dict name -> Raw)."""
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:4] != b"GGUF":
        raise ValueError(f"{path}: not a GGUF file")
    _, n_t, n_kv = struct.unpack_from("<IQQ", buf, 4)
    pos, meta = 24, {}
    for _ in range(n_kv):
        k, pos = _read_value(buf, pos, T_STRING)
        (t,) = struct.unpack_from("<I", buf, pos)
        meta[k], pos = _read_value(buf, pos + 4, t)
    infos = []
    for _ in range(n_t):
        name, pos = _read_value(buf, pos, T_STRING)
        (nd,) = struct.unpack_from("<I", buf, pos)
        dims = struct.unpack_from(f"<{nd}Q", buf, pos + 4)
        t, off = struct.unpack_from("<IQ", buf, pos + 4 + 8 * nd)
        pos += 4 + 8 * nd + 12
        infos.append((name, tuple(reversed(dims)), t, off))
    align = meta.get("general.alignment", ALIGN)
    base = pos + (-pos % align)
    ends = sorted(off for _, _, _, off in infos)[1:] + [len(buf) - base]
    end_of = dict(zip(sorted(off for _, _, _, off in infos), ends))
    tensors = {}
    for name, shape, t, off in infos:
        n = int(np.prod(shape))
        size = {GGML_F32: 4 * n, GGML_Q8_0: 34 * n // 32}.get(t, end_of[off] - off)
        tensors[name] = Raw(t, shape, buf[base + off:base + off + size])
    return meta, tensors


def to_float(r):
    """Dequantizes an F32 or Q8_0 Raw tensor (ggml's dequantize_row_q8_0: f16 scale * int8)."""
    if r.ggml_type == GGML_F32:
        return np.frombuffer(r.data, dtype="<f4").reshape(r.shape)
    if r.ggml_type == GGML_Q8_0:
        blocks = np.frombuffer(r.data, dtype=np.dtype([("d", "<f2"), ("q", "i1", 32)]))
        x = blocks["d"].astype(np.float32)[:, None] * blocks["q"].astype(np.float32)
        return x.reshape(r.shape)
    raise ValueError(f"ggml type {r.ggml_type} is not supported here")
