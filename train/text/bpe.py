"""Byte-level BPE (GPT-2's scheme): training, encoding, and the GGUF tokenizer metadata.

The pre-tokenizer is a port of models/text/bpe_bytelevel.go's preTokenize (GPT-2's pattern
's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+ written by hand),
so the ids Python trains on are the ids the Go engine produces for the same text. Debian's
Python has no `regex` module (\\p{L}), and the stdlib `re` classes differ on `_` and digits.
"""
import heapq
import json
import unicodedata
from collections import Counter

EOT = "<|endoftext|>"
_CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")
_SPACE, _LETTER, _NUMBER, _OTHER = range(4)


def bytes_to_unicode():
    """GPT-2's map from bytes to printable runes (bytesToRunes in Go)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


B2U = bytes_to_unicode()
U2B = {u: b for b, u in B2U.items()}


def _is_space(c):
    # Go's unicode.IsSpace: a fixed Latin-1 set, else the White_Space property.
    if ord(c) < 0x100:
        return c in "\t\n\v\f\r \x85\xa0"
    return c.isspace()


def _class(c, cache={}):
    k = cache.get(c)
    if k is None:
        if _is_space(c):
            k = _SPACE
        else:
            cat = unicodedata.category(c)[0]
            k = _LETTER if cat == "L" else _NUMBER if cat == "N" else _OTHER
        cache[c] = k
    return k


def pre_tokenize(s):
    """Splits text into GPT-2 pre-tokens, exactly as Go's preTokenize does."""
    out, i, n = [], 0, len(s)
    while i < n:
        ln = 0
        if s[i] == "'" and i + 1 < n:
            for c in _CONTRACTIONS:
                if s.startswith(c, i + 1):
                    ln = 1 + len(c)
                    break
        if not ln:
            j = i + 1 if s[i] == " " and i + 1 < n else i
            cls = _class(s[j])
            if cls != _SPACE:
                k = j + 1
                while k < n and _class(s[k]) == cls:
                    k += 1
                ln = k - i
            else:
                # A whitespace run: all of it at the end of the text, else all but its
                # last rune (which then leads the next word), else the single rune.
                k = i
                while k < n and _is_space(s[k]):
                    k += 1
                ln = k - i if k == n or k - i == 1 else k - 1 - i
        out.append(s[i:i + ln])
        i += ln
    return out


def _symbols(piece):
    return tuple(B2U[b] for b in piece.encode("utf-8"))


def train(texts, vocab_size):
    """Learns merges on the pre-tokens of texts until the vocabulary (256 bytes, the merged
    symbols, EOT) has vocab_size entries. Returns (tokens, merges).

    Pair counts are updated incrementally (only words containing the merged pair are
    recounted) and the best pair comes from a lazily invalidated heap; ties go to the
    lexicographically smallest pair, so training is deterministic.
    """
    counts = Counter()
    for t in texts:
        counts.update(pre_tokenize(t))
    words = [list(_symbols(p)) for p in counts]
    freq = list(counts.values())
    pairs, where = Counter(), {}
    for wi, w in enumerate(words):
        for p in zip(w, w[1:]):
            pairs[p] += freq[wi]
            where.setdefault(p, set()).add(wi)
    heap = [(-c, p) for p, c in pairs.items()]
    heapq.heapify(heap)
    tokens = [B2U[b] for b in range(256)]
    known, merges = set(tokens), []
    while len(tokens) < vocab_size - 1 and heap:
        negc, p = heapq.heappop(heap)
        if pairs.get(p, 0) != -negc or negc == 0:
            continue  # stale entry
        a, b = p
        merges.append(f"{a} {b}")
        if a + b not in known:  # two merges can spell the same string; keep one token
            known.add(a + b)
            tokens.append(a + b)
        touched = set()
        for wi in list(where.get(p, ())):
            w, f = words[wi], freq[wi]
            for q in zip(w, w[1:]):
                pairs[q] -= f
                touched.add(q)
            nw, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    nw.append(a + b)
                    i += 2
                else:
                    nw.append(w[i])
                    i += 1
            words[wi] = nw
            for q in zip(nw, nw[1:]):
                pairs[q] += f
                touched.add(q)
                where.setdefault(q, set()).add(wi)
        for q in touched:
            if pairs[q] > 0:
                heapq.heappush(heap, (-pairs[q], q))
        pairs.pop(p, None)
        where.pop(p, None)
    tokens.append(EOT)
    return tokens, merges


class Tokenizer:
    def __init__(self, tokens, merges):
        self.tokens, self.merges = tokens, merges
        self.ids = {}
        for i, t in enumerate(tokens):
            self.ids.setdefault(t, i)  # first of duplicates wins, as in the Go loader
        self.ranks = {}
        for i, m in enumerate(merges):
            self.ranks.setdefault(tuple(m.split(" ")), i)
        self.eot = self.ids[EOT]
        self._cache = {}

    def _piece(self, piece):
        ids = self._cache.get(piece)
        if ids is not None:
            return ids
        w = list(_symbols(piece))
        while len(w) > 1:
            best = min(((self.ranks.get(q, 1 << 62), q) for q in zip(w, w[1:])))
            if best[0] == 1 << 62:
                break
            a, b = best[1]
            nw, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    nw.append(a + b)
                    i += 2
                else:
                    nw.append(w[i])
                    i += 1
            w = nw
        ids = [self.ids[s] for s in w]
        if len(self._cache) < 1 << 18:
            self._cache[piece] = ids
        return ids

    def encode(self, text):
        out = []
        for p in pre_tokenize(text):
            out.extend(self._piece(p))
        return out

    def decode(self, ids):
        bs = bytearray()
        for i in ids:
            if i != self.eot:
                bs.extend(U2B[c] for c in self.tokens[i])
        return bs.decode("utf-8", errors="replace")

    def gguf_metadata(self):
        """llama.cpp's tokenizer.ggml.* keys for a byte-level BPE ("gpt2") vocabulary."""
        types = [3 if t == EOT else 1 for t in self.tokens]  # 3 = control: decodes to nothing
        return {"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": self.tokens,
                "tokenizer.ggml.token_type": types, "tokenizer.ggml.merges": self.merges,
                "tokenizer.ggml.bos_token_id": self.eot, "tokenizer.ggml.eos_token_id": self.eot,
                "tokenizer.ggml.add_bos_token": False}

    def save(self, path):
        with open(path, "w") as f:
            json.dump({"tokens": self.tokens, "merges": self.merges}, f)

    @classmethod
    def load(cls, path):
        with open(path) as f:
            d = json.load(f)
        return cls(d["tokens"], d["merges"])
