"""Writes the text-model goldens for models/text's tests (run from the repository root):

    /usr/bin/python3 train/text/golden.py models/text/testdata

For each of a tiny GPT-2 and a tiny Llama (random weights, 2 layers, dim 64):
  NAME.gguf               the model as llama.cpp lays it out, f32, with a small tokenizer
  NAME-golden.safetensors prompt ids, the prefill logits, 64 greedy ids and the logits of
                          every greedy step (ids stored as f32: genplay reads float dtypes)
and for the Llama also llama2c/model.bin + llama2c/tokenizer.bin, the same model written
the way llama2.c's export.py (legacy format) and tokenizer.py write them.
"""
import os
import struct
import sys
from collections import Counter

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import safetensors_io  # noqa: E402
import gguf  # noqa: E402
from tiny_models import GPT2, Llama, check_permute  # noqa: E402
from bpe import bytes_to_unicode  # noqa: E402

TEXT = """Once upon a time, there was a little llama named Lily. She loved to play in the
grass with her friends. One day the sun was hot and the sky was blue, and the llama went
to the river to drink. The quick brown fox jumps over the lazy dog. func main() { return }
"""
PROMPT_LEN, STEPS, CTX = 10, 64, 96


def learn_merges(words, n):
    """Plain BPE on a word list (each word a list of symbols): the n most frequent pairs."""
    words = Counter(tuple(w) for w in words)
    merges = []
    for _ in range(n):
        pairs = Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[a, b] += c
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append((a, b))
        nw = Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            nw[tuple(out)] += c
        words = nw
    return merges


def gpt2_tokenizer():
    """Byte-level BPE: 256 byte symbols, 43 merges, <|endoftext|> (300 tokens)."""
    b2u = bytes_to_unicode()
    tokens = [b2u[b] for b in range(256)]
    words = [[b2u[c] for c in (" " + w).encode()] for w in TEXT.split()]
    merges = learn_merges(words, 43)
    tokens += [a + b for a, b in merges] + ["<|endoftext|>"]
    assert len(set(tokens)) == len(tokens)
    return {"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": tokens,
            "tokenizer.ggml.merges": [f"{a} {b}" for a, b in merges],
            "tokenizer.ggml.bos_token_id": len(tokens) - 1, "tokenizer.ggml.eos_token_id": len(tokens) - 1}


def llama_tokenizer():
    """SentencePiece BPE: <unk> <s> </s>, 256 byte tokens, the text's characters, merged
    pieces scored by merge order (as SentencePiece's BPE trainer scores them)."""
    chars = sorted(set(TEXT.replace("\n", " ").replace(" ", "\u2581")))
    words = [list("\u2581" + w) for w in TEXT.split()]
    merges = learn_merges(words, 40)
    pieces = [a + b for a, b in merges]
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + pieces + chars
    scores = [0.0] * 259 + [-float(i) for i in range(len(pieces))] + [-1e9] * len(chars)
    types = [2, 3, 3] + [6] * 256 + [1] * (len(pieces) + len(chars))
    assert len(set(tokens)) == len(tokens)
    return {"tokenizer.ggml.model": "llama", "tokenizer.ggml.tokens": tokens, "tokenizer.ggml.scores": scores,
            "tokenizer.ggml.token_type": types, "tokenizer.ggml.bos_token_id": 1,
            "tokenizer.ggml.eos_token_id": 2, "tokenizer.ggml.unknown_token_id": 0}


def goldens(model, vocab, seed):
    """Prefill logits of a random prompt, then 64 greedy steps recomputed from scratch."""
    g = torch.Generator().manual_seed(seed)
    prompt = torch.randint(3, vocab, (PROMPT_LEN,), generator=g).tolist()
    out, margin = greedy_goldens(model, prompt)
    print(f"  smallest top-1/top-2 logit gap over the greedy steps: {margin:.4f}")
    return out


def greedy_goldens(model, prompt, n=STEPS):
    """The prefill logits of prompt and n greedy steps, each recomputed from scratch
    (no cache: the reference for the Go KV cache). Returns (tensors, smallest gap between
    the top two logits over the greedy steps: how far the greedy choice is from a tie)."""
    with torch.no_grad():
        prefill = model.forward(torch.tensor(prompt))
        ids, steps, margin = list(prompt), [], float("inf")
        for _ in range(n):
            last = model.forward(torch.tensor(ids))[-1]
            top = last.topk(2).values
            margin = min(margin, float(top[0] - top[1]))
            steps.append(last)
            ids.append(int(last.argmax()))
    f = lambda t: torch.as_tensor(t, dtype=torch.float64).float()
    return {"prompt": f(prompt), "prefill_logits": f(prefill), "greedy_ids": f(ids[len(prompt):]),
            "greedy_logits": torch.stack(steps).float()}, margin


def write_llama2c(dir, model, tok):
    """llama2.c's legacy checkpoint (export.py legacy_export, version 0) and tokenizer.bin."""
    c, t = model.cfg, model.meta_tensors()
    hd = c["dim"] // c["heads"]
    os.makedirs(dir, exist_ok=True)
    with open(os.path.join(dir, "model.bin"), "wb") as f:
        # A negative vocab size says the classifier is not shared with the embedding.
        f.write(struct.pack("iiiiiii", c["dim"], c["hidden"], c["layers"], c["heads"], c["kv_heads"],
                            -c["vocab"], c["ctx"]))
        w = lambda a: f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())
        w(t["token_embd.weight"])
        for name in ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm",
                     "ffn_gate", "ffn_down", "ffn_up"]:  # w1 = gate, w2 = down, w3 = up
            for i in range(c["layers"]):
                w(t[f"blk.{i}.{name}.weight"])
        w(t["output_norm.weight"])
        freqs = 1.0 / (10000.0 ** (np.arange(0, hd, 2)[: hd // 2] / hd))
        ang = np.outer(np.arange(c["ctx"]), freqs)
        w(np.cos(ang))
        w(np.sin(ang))
        w(t["output.weight"])
    with open(os.path.join(dir, "tokenizer.bin"), "wb") as f:
        pieces = []
        for i, p in enumerate(tok["tokenizer.ggml.tokens"]):
            p = {1: "\n<s>\n", 2: "\n</s>\n"}.get(i, p).replace("\u2581", " ")
            pieces.append((p.encode("utf-8"), tok["tokenizer.ggml.scores"][i]))
        f.write(struct.pack("I", max(len(b) for b, _ in pieces)))
        for b, s in pieces:
            f.write(struct.pack("fI", s, len(b)))
            f.write(b)


def main(out):
    os.makedirs(out, exist_ok=True)

    tok = gpt2_tokenizer()
    V = len(tok["tokenizer.ggml.tokens"])
    m = GPT2(vocab=V, ctx=CTX, dim=64, layers=2, heads=4, seed=1)
    meta = {"general.architecture": "gpt2", "general.name": "tiny-gpt2-golden",
            "gpt2.context_length": CTX, "gpt2.embedding_length": 64, "gpt2.feed_forward_length": 256,
            "gpt2.block_count": 2, "gpt2.attention.head_count": 4,
            "gpt2.attention.layer_norm_epsilon": 1e-5} | tok
    print("gpt2")
    gguf.write(os.path.join(out, "gpt2.gguf"), meta, m.gguf_tensors())
    safetensors_io.save(os.path.join(out, "gpt2-golden.safetensors"), goldens(m, V, seed=2))

    tok = llama_tokenizer()
    V = len(tok["tokenizer.ggml.tokens"])
    m = Llama(vocab=V, ctx=CTX, dim=64, hidden=192, layers=2, heads=4, kv_heads=2, seed=3)
    check_permute(m)
    meta = {"general.architecture": "llama", "general.name": "tiny-llama-golden",
            "llama.context_length": CTX, "llama.embedding_length": 64, "llama.feed_forward_length": 192,
            "llama.block_count": 2, "llama.attention.head_count": 4, "llama.attention.head_count_kv": 2,
            "llama.rope.freq_base": 10000.0, "llama.attention.layer_norm_rms_epsilon": 1e-5} | tok
    print("llama")
    gguf.write(os.path.join(out, "llama.gguf"), meta, m.meta_tensors())
    safetensors_io.save(os.path.join(out, "llama-golden.safetensors"), goldens(m, V, seed=8))
    write_llama2c(os.path.join(out, "llama2c"), m, tok)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/text/testdata")
