"""Tiny GPT-2 and Llama decoders in PyTorch, written the way their reference code
(Hugging Face transformers) computes them, to produce golden logits for models/text.

GPT-2: learned positions, LayerNorm, tanh-GELU, fused QKV in Conv1D layout (in, out).
Llama: RMSNorm, rotate-half RoPE (Hugging Face layout), SwiGLU, grouped-query attention.
Both run in float64 so the goldens are the exact answer for the stored f32 weights.
"""
import math

import torch
import torch.nn.functional as F


def causal_attention(q, k, v):
    """q: (B, nh, T, hd); k, v: (B, nh, T, hd). Scaled dot product with a causal mask."""
    T = q.shape[2]
    att = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
    return att @ v


class GPT2:
    """Weights held as a dict with Hugging Face names; Conv1D weights are (in, out)."""

    def __init__(self, vocab, ctx, dim, layers, heads, seed, eps=1e-5):
        g = torch.Generator().manual_seed(seed)
        r = lambda *s, std=0.2: torch.randn(*s, generator=g, dtype=torch.float64) * std
        self.cfg = dict(vocab=vocab, ctx=ctx, dim=dim, layers=layers, heads=heads, eps=eps)
        w = {"wte": r(vocab, dim, std=0.5), "wpe": r(ctx, dim, std=0.2),
             "ln_f.weight": 1 + r(dim, std=0.1), "ln_f.bias": r(dim, std=0.1)}
        for i in range(layers):
            p = f"h.{i}."
            w |= {p + "ln_1.weight": 1 + r(dim, std=0.1), p + "ln_1.bias": r(dim, std=0.1),
                  p + "attn.c_attn.weight": r(dim, 3 * dim), p + "attn.c_attn.bias": r(3 * dim, std=0.1),
                  p + "attn.c_proj.weight": r(dim, dim), p + "attn.c_proj.bias": r(dim, std=0.1),
                  p + "ln_2.weight": 1 + r(dim, std=0.1), p + "ln_2.bias": r(dim, std=0.1),
                  p + "mlp.c_fc.weight": r(dim, 4 * dim), p + "mlp.c_fc.bias": r(4 * dim, std=0.1),
                  p + "mlp.c_proj.weight": r(4 * dim, dim, std=0.1), p + "mlp.c_proj.bias": r(dim, std=0.1)}
        # Round to f32: the file stores f32, and the goldens must be for those values.
        self.w = {k: v.float().double() for k, v in w.items()}

    def forward(self, ids):
        c, w = self.cfg, self.w
        T, C, nh = len(ids), c["dim"], c["heads"]
        x = w["wte"][ids] + w["wpe"][:T]
        ln = lambda x, p: F.layer_norm(x, (C,), w[p + ".weight"], w[p + ".bias"], c["eps"])
        for i in range(c["layers"]):
            p = f"h.{i}."
            qkv = ln(x, p + "ln_1") @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
            q, k, v = (t.view(T, nh, C // nh).transpose(0, 1)[None] for t in qkv.split(C, dim=-1))
            y = causal_attention(q, k, v)[0].transpose(0, 1).reshape(T, C)
            x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
            h = F.gelu(ln(x, p + "ln_2") @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], approximate="tanh")
            x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        return ln(x, "ln_f") @ w["wte"].T  # (T, vocab); GPT-2 ties the output to wte

    def gguf_tensors(self):
        """llama.cpp's gpt2 tensor names; Conv1D (in, out) weights transposed to (out, in)."""
        w, out = self.w, {}
        out["token_embd.weight"] = w["wte"]
        out["position_embd.weight"] = w["wpe"]
        for i in range(self.cfg["layers"]):
            p, b = f"h.{i}.", f"blk.{i}."
            for src, dst in [("ln_1", "attn_norm"), ("attn.c_attn", "attn_qkv"), ("attn.c_proj", "attn_output"),
                             ("ln_2", "ffn_norm"), ("mlp.c_fc", "ffn_up"), ("mlp.c_proj", "ffn_down")]:
                wt = w[p + src + ".weight"]
                out[b + dst + ".weight"] = wt if src.startswith("ln") else wt.T
                out[b + dst + ".bias"] = w[p + src + ".bias"]
        out["output_norm.weight"] = w["ln_f.weight"]
        out["output_norm.bias"] = w["ln_f.bias"]
        return {k: v.float().numpy() for k, v in out.items()}


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def hf_to_gguf_permute(w, n_head):
    """Hugging Face's rotate-half row order -> Meta's adjacent pairs, which llama.cpp's
    llama GGUF keeps (convert_hf_to_gguf.py does the same reshape)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


class Llama:
    """Hugging Face LlamaForCausalLM math: q/k/v rows in rotate-half order."""

    def __init__(self, vocab, ctx, dim, hidden, layers, heads, kv_heads, seed, eps=1e-5, rope_base=10000.0):
        g = torch.Generator().manual_seed(seed)
        r = lambda *s, std=0.2: torch.randn(*s, generator=g, dtype=torch.float64) * std
        hd = dim // heads
        self.cfg = dict(vocab=vocab, ctx=ctx, dim=dim, hidden=hidden, layers=layers, heads=heads,
                        kv_heads=kv_heads, eps=eps, rope_base=rope_base)
        w = {"embed_tokens.weight": r(vocab, dim, std=0.5), "norm.weight": 1 + r(dim, std=0.1),
             "lm_head.weight": r(vocab, dim, std=0.6)}
        for i in range(layers):
            p = f"layers.{i}."
            w |= {p + "input_layernorm.weight": 1 + r(dim, std=0.1),
                  p + "self_attn.q_proj.weight": r(heads * hd, dim), p + "self_attn.k_proj.weight": r(kv_heads * hd, dim),
                  p + "self_attn.v_proj.weight": r(kv_heads * hd, dim), p + "self_attn.o_proj.weight": r(dim, heads * hd),
                  p + "post_attention_layernorm.weight": 1 + r(dim, std=0.1),
                  p + "mlp.gate_proj.weight": r(hidden, dim), p + "mlp.up_proj.weight": r(hidden, dim),
                  p + "mlp.down_proj.weight": r(dim, hidden, std=0.1)}
        self.w = {k: v.float().double() for k, v in w.items()}

    def rope(self, T):
        hd = self.cfg["dim"] // self.cfg["heads"]
        inv = 1.0 / (self.cfg["rope_base"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
        f = torch.outer(torch.arange(T, dtype=torch.float64), inv)
        emb = torch.cat((f, f), dim=-1)
        return emb.cos(), emb.sin()

    def forward(self, ids):
        c, w = self.cfg, self.w
        T, C, nh, nkv = len(ids), c["dim"], c["heads"], c["kv_heads"]
        hd = C // nh
        cos, sin = self.rope(T)
        rms = lambda x, k: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + c["eps"]) * w[k]
        x = w["embed_tokens.weight"][ids]
        for i in range(c["layers"]):
            p = f"layers.{i}."
            h = rms(x, p + "input_layernorm.weight")
            q = (h @ w[p + "self_attn.q_proj.weight"].T).view(T, nh, hd).transpose(0, 1)
            k = (h @ w[p + "self_attn.k_proj.weight"].T).view(T, nkv, hd).transpose(0, 1)
            v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, nkv, hd).transpose(0, 1)
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            k, v = k.repeat_interleave(nh // nkv, dim=0), v.repeat_interleave(nh // nkv, dim=0)
            y = causal_attention(q[None], k[None], v[None])[0].transpose(0, 1).reshape(T, C)
            x = x + y @ w[p + "self_attn.o_proj.weight"].T
            h = rms(x, p + "post_attention_layernorm.weight")
            g = F.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)
            x = x + g @ w[p + "mlp.down_proj.weight"].T
        return rms(x, "norm.weight") @ w["lm_head.weight"].T

    def meta_tensors(self):
        """Weights in Meta's layout (q/k rows permuted to adjacent-pair RoPE), by GGUF name."""
        c, w, out = self.cfg, self.w, {}
        out["token_embd.weight"] = w["embed_tokens.weight"]
        for i in range(c["layers"]):
            p, b = f"layers.{i}.", f"blk.{i}."
            out[b + "attn_norm.weight"] = w[p + "input_layernorm.weight"]
            out[b + "attn_q.weight"] = hf_to_gguf_permute(w[p + "self_attn.q_proj.weight"], c["heads"])
            out[b + "attn_k.weight"] = hf_to_gguf_permute(w[p + "self_attn.k_proj.weight"], c["kv_heads"])
            out[b + "attn_v.weight"] = w[p + "self_attn.v_proj.weight"]
            out[b + "attn_output.weight"] = w[p + "self_attn.o_proj.weight"]
            out[b + "ffn_norm.weight"] = w[p + "post_attention_layernorm.weight"]
            out[b + "ffn_gate.weight"] = w[p + "mlp.gate_proj.weight"]
            out[b + "ffn_up.weight"] = w[p + "mlp.up_proj.weight"]
            out[b + "ffn_down.weight"] = w[p + "mlp.down_proj.weight"]
        out["output_norm.weight"] = w["norm.weight"]
        out["output.weight"] = w["lm_head.weight"]
        return {k: v.float().numpy() for k, v in out.items()}


def check_permute(model):
    """Adjacent-pair RoPE on permuted rows must equal rotate-half RoPE on the original rows
    (permuted the same way): the convention the exported file relies on."""
    hd, nh, T = model.cfg["dim"] // model.cfg["heads"], model.cfg["heads"], 5
    q = torch.randn(T, nh * hd, dtype=torch.float64)
    cos, sin = model.rope(T)
    hf = (q.view(T, nh, hd) * cos[:, None] + rotate_half(q.view(T, nh, hd)) * sin[:, None]).reshape(T, -1)
    qm = hf_to_gguf_permute(q.T, nh).T.reshape(T, nh, hd // 2, 2)
    ang = torch.outer(torch.arange(T, dtype=torch.float64),
                      1.0 / model.cfg["rope_base"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    c, s = ang.cos()[:, None], ang.sin()[:, None]
    adj = torch.stack((qm[..., 0] * c - qm[..., 1] * s, qm[..., 0] * s + qm[..., 1] * c), -1).reshape(T, -1)
    assert torch.allclose(hf_to_gguf_permute(hf.T, nh).T, adj), "RoPE permute convention broken"
