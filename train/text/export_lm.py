"""Exports a trained text model and its goldens (run from the repository root):

    /usr/bin/python3 train/text/export_lm.py --model fortunes --preset small

From train/runs/text/<model>-<preset>/ckpt.pt it writes, in that folder:
  <model>-f32.gguf               llama.cpp layout, f32, with the BPE tokenizer in tokenizer.ggml.*
  <model>-f32-golden.safetensors goldens of the trained f32 weights (float64 PyTorch)
  <model>-q8_0.gguf              Q8_0 blocks from `genplay quantize`, plus the same metadata
and, with --ship (default on):
  weights/<model>-q8_0.gguf.zst          the shipped file (zstd -19), and its manifest entry
  models/text/testdata/<model>-golden.safetensors
      goldens of the shipped weights dequantized to f32 (what models/text's f32 parity test
      loads), plus f32_greedy_ids: the trained f32 model's greedy continuation, which the
      Q8_0 agreement test compares against, and a tokenizer check (tok_ids of tok_text).
The Q8_0 tensors come from our CLI rather than a Python re-implementation, so the shipped
blocks are bit-identical to what `genplay quantize` makes; only the tokenizer arrays (which
--meta cannot express) are spliced in here.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import bpe  # noqa: E402
import corpus  # noqa: E402
import gguf  # noqa: E402
import safetensors_io  # noqa: E402
from golden import greedy_goldens  # noqa: E402
from tiny_models import Llama as RefLlama  # noqa: E402
from tiny_models import check_permute  # noqa: E402
from lm import Llama  # noqa: E402
from train_lm import run_dir  # noqa: E402

# Candidate golden prompts; the first whose greedy run stays clear of near-ties is used, so
# that float32-vs-float64 rounding cannot flip a greedy token in the Go test.
PROMPTS = {
    "fortunes": ["The meaning of life is", "A man walks into a bar", "Never trust a computer", "You will"],
    "gocode": ["func main() {\n\t", "// Copyright 2009 The Go Authors", "package strings\n\nimport (", "func (b *Buffer) "],
}
MIN_GAP = 1e-3
TOK_CHECK_CHARS = 4000


def gguf_to_hf_permute(w, n_head):
    """Inverse of tiny_models.hf_to_gguf_permute: adjacent-pair rows back to rotate-half."""
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def reference(cfg, hf_weights):
    """A tiny_models.Llama (float64 math) holding the given HF-named weights."""
    m = RefLlama.__new__(RefLlama)
    m.cfg = dict(vocab=cfg["vocab"], ctx=cfg["ctx"], dim=cfg["dim"], hidden=cfg["hidden"], layers=cfg["layers"],
                 heads=cfg["heads"], kv_heads=cfg["kv_heads"], eps=1e-5, rope_base=10000.0)
    m.w = {k: torch.as_tensor(np.array(v)).double() for k, v in hf_weights.items()}
    return m


def from_gguf_names(cfg, t):
    """GGUF-named tensors (Meta layout) -> HF names and rotate-half layout."""
    w = {"embed_tokens.weight": t["token_embd.weight"], "norm.weight": t["output_norm.weight"],
         "lm_head.weight": t["output.weight"]}
    for i in range(cfg["layers"]):
        p, b = f"layers.{i}.", f"blk.{i}."
        w[p + "input_layernorm.weight"] = t[b + "attn_norm.weight"]
        w[p + "self_attn.q_proj.weight"] = gguf_to_hf_permute(t[b + "attn_q.weight"], cfg["heads"])
        w[p + "self_attn.k_proj.weight"] = gguf_to_hf_permute(t[b + "attn_k.weight"], cfg["kv_heads"])
        w[p + "self_attn.v_proj.weight"] = t[b + "attn_v.weight"]
        w[p + "self_attn.o_proj.weight"] = t[b + "attn_output.weight"]
        w[p + "post_attention_layernorm.weight"] = t[b + "ffn_norm.weight"]
        w[p + "mlp.gate_proj.weight"] = t[b + "ffn_gate.weight"]
        w[p + "mlp.up_proj.weight"] = t[b + "ffn_up.weight"]
        w[p + "mlp.down_proj.weight"] = t[b + "ffn_down.weight"]
    return w


@torch.no_grad()
def full_val_loss(cfg, hf_weights, val):
    """Mean next-token loss over the whole held-out set, in non-overlapping ctx windows."""
    m = Llama(cfg)
    m.load_state_dict({k: torch.as_tensor(np.array(v, dtype=np.float32)) for k, v in hf_weights.items()})
    m.eval()
    T, n = cfg["ctx"], (len(val) - 1) // cfg["ctx"]
    x = torch.from_numpy(val[:n * T].astype(np.int64)).view(n, T)
    y = torch.from_numpy(val[1:n * T + 1].astype(np.int64)).view(n, T)
    tot = sum(float(m(x[i:i + 16], y[i:i + 16])) * len(x[i:i + 16]) for i in range(0, n, 16))
    return tot / n, n * T


def metadata(name, cfg, tok, val_loss):
    c = cfg
    return {"general.architecture": "llama", "general.name": f"genplay-{name}",
            "general.description": f"genplay default model trained by train/text/train_lm.py; validation loss {val_loss:.4f}",
            "llama.context_length": c["ctx"], "llama.embedding_length": c["dim"],
            "llama.feed_forward_length": c["hidden"], "llama.block_count": c["layers"],
            "llama.attention.head_count": c["heads"], "llama.attention.head_count_kv": c["kv_heads"],
            "llama.rope.dimension_count": c["dim"] // c["heads"], "llama.rope.freq_base": 10000.0,
            "llama.attention.layer_norm_rms_epsilon": 1e-5, "llama.vocab_size": c["vocab"]} | tok.gguf_metadata()


def pick_prompt(name, model, tok):
    for text in PROMPTS[name]:
        g, gap = greedy_goldens(model, tok.encode(text))
        print(f"  prompt {text!r}: smallest top-1/top-2 gap {gap:.4g}")
        if gap > MIN_GAP:
            return text, g
    raise SystemExit(f"{name}: every candidate prompt comes within {MIN_GAP} of a greedy tie; add one")


def genplay_binary(out):
    exe = os.path.join(out, "genplay")
    subprocess.run(["go", "build", "-o", exe, "./cmd/genplay"], cwd=REPO, check=True)
    return exe


def manifest_entry(name, path, tensors):
    data = open(path, "rb").read()
    return {"id": f"{name}-q8_0", "alias": name, "kind": "text", "file": os.path.basename(path),
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "arch": "llama",
            "largest_tensor_bytes": max(len(r.data) for r in tensors.values()), "features": []}


def update_manifest(entry):
    """Replaces the entry with the same id, or appends it; other entries are kept as they are."""
    path = os.path.join(REPO, "weights", "manifest.json")
    with open(path) as f:
        m = json.load(f)
    ids = [e["id"] for e in m["models"]]
    if entry["id"] in ids:
        m["models"][ids.index(entry["id"])] = entry
    else:
        m["models"].append(entry)
    with open(path, "w") as f:
        json.dump(m, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=sorted(PROMPTS))
    ap.add_argument("--preset", default="small")
    ap.add_argument("--no-ship", dest="ship", action="store_false")
    a = ap.parse_args()
    out = run_dir(a.model, a.preset)
    ck = torch.load(os.path.join(out, "ckpt.pt"), map_location="cpu")
    cfg, tok = ck["cfg"], bpe.Tokenizer.load(os.path.join(out, "tokenizer.json"))
    val_loss = ck.get("val_loss") or float("nan")
    trained = reference(cfg, {k: v.float().numpy() for k, v in ck["model"].items()})
    check_permute(trained)
    meta = metadata(a.model, cfg, tok, val_loss)
    tensors = trained.meta_tensors()  # f32, GGUF names, adjacent-pair RoPE rows

    f32 = os.path.join(out, f"{a.model}-f32.gguf")
    gguf.write(f32, meta, tensors)
    print(f"{a.model}: step {ck['step']}, val loss {val_loss:.4f}; wrote {f32}")

    st = os.path.join(out, f"{a.model}-f32.safetensors")
    safetensors_io.save(st, {k: torch.from_numpy(v) for k, v in tensors.items()})
    tmp = os.path.join(out, "q8_0-tensors.gguf")
    subprocess.run([genplay_binary(out), "quantize", st, tmp, "--type", "q8_0", "--arch", "llama"],
                   check=True, stdout=subprocess.DEVNULL)
    _, q8 = gguf.read(tmp)
    q8 = {k: q8[k] for k in tensors}  # the f32 file's tensor order
    q8_path = os.path.join(out, f"{a.model}-q8_0.gguf")
    gguf.write(q8_path, meta, q8)

    print(" goldens of the trained f32 weights")
    text, g32 = pick_prompt(a.model, trained, tok)
    safetensors_io.save(os.path.join(out, f"{a.model}-f32-golden.safetensors"), g32, {"prompt_text": text})

    if not a.ship:
        return
    shipped = os.path.join(REPO, "weights", f"{a.model}-q8_0.gguf.zst")
    subprocess.run(["zstd", "-19", "-q", "-f", q8_path, "-o", shipped], check=True)
    print(" goldens of the shipped Q8_0 weights, dequantized to f32")
    deq = reference(cfg, from_gguf_names(cfg, {k: gguf.to_float(r) for k, r in q8.items()}))
    gq, gap = greedy_goldens(deq, tok.encode(text))
    print(f"  prompt {text!r}: smallest gap {gap:.4g}")
    if gap <= MIN_GAP:
        raise SystemExit("the dequantized model comes too close to a greedy tie on this prompt")
    # Held-out text for a tokenizer check: Go must encode it to the same ids.
    val_text = "".join(corpus.split(corpus.SOURCES[a.model]())[1])[:TOK_CHECK_CHARS]
    val = np.load(os.path.join(out, "val.npy"))
    ev = {}
    for label, w in (("f32", trained.w), ("q8_0", deq.w)):
        loss, ntok = full_val_loss(cfg, {k: v.float().numpy() for k, v in w.items()}, val)
        ev[label] = dict(val_loss=round(loss, 4), val_ppl=round(float(np.exp(loss)), 2), tokens=ntok)
        print(f"  {label}: validation loss {loss:.4f}, perplexity {np.exp(loss):.2f} over {ntok} held-out tokens")
    with open(os.path.join(out, "eval.json"), "w") as f:
        json.dump(ev | {"step": ck["step"], "minutes": round(ck["seconds"] / 60, 1)}, f, indent=1)
    gq["f32_greedy_ids"] = g32["greedy_ids"]
    gq["tok_ids"] = torch.tensor(tok.encode(val_text), dtype=torch.float32)
    agree = int((g32["greedy_ids"] == gq["greedy_ids"]).sum())
    print(f"  dequantized-Q8_0 vs f32 greedy agreement in PyTorch: {agree}/64")
    golden_path = os.path.join(REPO, "models", "text", "testdata", f"{a.model}-golden.safetensors")
    safetensors_io.save(golden_path, gq, {"prompt_text": text, "tok_text": val_text})
    entry = manifest_entry(a.model, shipped, q8)
    update_manifest(entry)
    print(f"  {shipped}: {entry['bytes']} bytes; {golden_path}: {os.path.getsize(golden_path)} bytes")
    print("  greedy continuation:", repr(tok.decode([int(i) for i in g32["greedy_ids"]])))


if __name__ == "__main__":
    main()
