"""Training texts for the default text models, split into documents with a held-out set.

fortunes: the cookies of Debian's `fortunes` package (/usr/share/games/fortunes, plain
          files; one cookie per `%`-separated record; the .dat index files are skipped).
gocode:   Go source from $(go env GOROOT)/src (no testdata, no vendored code), a
          deterministic ~1-in-N sample of files chosen by a hash of the path.
Every VAL_EVERY-th document (in a fixed order) is held out for validation.
"""
import os
import subprocess
import zlib

FORTUNES_DIR = "/usr/share/games/fortunes"
VAL_EVERY = 20


def fortunes(root=FORTUNES_DIR):
    docs = []
    for name in sorted(os.listdir(root)):
        p = os.path.join(root, name)
        # ascii-art is pictures, not language; .u8 entries are links to the plain files.
        if name.endswith((".dat", ".u8")) or name == "ascii-art" or os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, encoding="utf-8", errors="replace") as f:
            rec = []
            for line in f:
                if line.rstrip("\n") == "%":
                    if rec:
                        docs.append("".join(rec).strip("\n") + "\n")
                    rec = []
                else:
                    rec.append(line)
            if rec:
                docs.append("".join(rec).strip("\n") + "\n")
    return [d for d in docs if d.strip()]


def goroot():
    try:
        return subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "/usr/local/go"


def gocode(sample=12, max_bytes=64 << 10):
    """One .go file in `sample` (by crc32 of its path), files over max_bytes skipped (mostly
    generated tables)."""
    src = os.path.join(goroot(), "src")
    docs = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in ("testdata", "vendor"))
        for name in sorted(filenames):
            if not name.endswith(".go"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            if zlib.crc32(rel.encode()) % sample:
                continue
            p = os.path.join(dirpath, name)
            if os.path.getsize(p) > max_bytes:
                continue
            with open(p, encoding="utf-8", errors="replace") as f:
                docs.append(f.read())
    return docs


def split(docs):
    """(train, val): every VAL_EVERY-th document is held out."""
    train = [d for i, d in enumerate(docs) if i % VAL_EVERY != VAL_EVERY - 1]
    val = [d for i, d in enumerate(docs) if i % VAL_EVERY == VAL_EVERY - 1]
    return train, val


SOURCES = {"fortunes": fortunes, "gocode": gocode}
