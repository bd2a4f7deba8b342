"""A small trainable Llama (RMSNorm, rotate-half RoPE, grouped-query attention, SwiGLU).

Parameter names are Hugging Face's LlamaModel names without the "model." prefix, the
names tiny_models.Llama uses, so a trained state dict drops straight into tiny_models for
float64 goldens and for export (tiny_models.Llama.meta_tensors permutes Q and K rows to
the adjacent-pair RoPE layout llama.cpp's GGUF keeps; see DESIGN.md).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from tiny_models import rotate_half

PRESETS = {
    # For CPUs: 1.3M parameters (Q8_0 about 1.4 MB); train_lm.py stops it at 50 minutes.
    # Batches are small because on a couple of cores the step count, not the batch, is short.
    "small": dict(vocab=2048, ctx=256, dim=128, hidden=384, layers=4, heads=4, kv_heads=2,
                  batch=4, lr=3e-3, steps=3000, warmup=100, eval_every=200, eval_batches=16),
    # For a GPU: 6.6M parameters, Q8_0 about 7 MB (under the 10 MB cap for shipped files).
    "gpu": dict(vocab=4096, ctx=256, dim=256, hidden=768, layers=6, heads=8, kv_heads=2,
                batch=64, lr=1e-3, steps=20000, warmup=500, eval_every=500, eval_batches=64),
}
ARCH_KEYS = ("vocab", "ctx", "dim", "hidden", "layers", "heads", "kv_heads")


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    def __init__(self, dim, heads, kv_heads):
        super().__init__()
        self.heads, self.kv_heads, self.hd = heads, kv_heads, dim // heads
        self.q_proj = nn.Linear(dim, heads * self.hd, bias=False)
        self.k_proj = nn.Linear(dim, kv_heads * self.hd, bias=False)
        self.v_proj = nn.Linear(dim, kv_heads * self.hd, bias=False)
        self.o_proj = nn.Linear(heads * self.hd, dim, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.heads, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.kv_heads, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.kv_heads, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv_heads
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hd)
        att = att.masked_fill(mask[:T, :T], float("-inf")).softmax(-1)
        return self.o_proj((att @ v).transpose(1, 2).reshape(B, T, -1))


class MLP(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(dim, hidden, bias=False)
        self.up_proj = nn.Linear(dim, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, c, eps):
        super().__init__()
        self.input_layernorm = RMSNorm(c["dim"], eps)
        self.self_attn = Attention(c["dim"], c["heads"], c["kv_heads"])
        self.post_attention_layernorm = RMSNorm(c["dim"], eps)
        self.mlp = MLP(c["dim"], c["hidden"])

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, c, eps=1e-5, rope_base=10000.0):
        super().__init__()
        self.cfg = {k: c[k] for k in ARCH_KEYS} | dict(eps=eps, rope_base=rope_base)
        self.embed_tokens = nn.Embedding(c["vocab"], c["dim"])
        self.layers = nn.ModuleList(Block(c, eps) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["dim"], eps)
        self.lm_head = nn.Linear(c["dim"], c["vocab"], bias=False)
        hd = c["dim"] // c["heads"]
        inv = 1.0 / (rope_base ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
        f = torch.outer(torch.arange(c["ctx"], dtype=torch.float64), inv)
        emb = torch.cat((f, f), dim=-1)
        self.register_buffer("cos", emb.cos().float(), persistent=False)
        self.register_buffer("sin", emb.sin().float(), persistent=False)
        self.register_buffer("mask", torch.ones(c["ctx"], c["ctx"], dtype=torch.bool).triu(1), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                # GPT-2's init: residual-stream writers scaled down by depth.
                std = 0.02 / math.sqrt(2 * c["layers"]) if name.endswith(("o_proj.weight", "down_proj.weight")) else 0.02
                nn.init.normal_(p, std=std)

    def forward(self, ids, targets=None):
        T = ids.shape[1]
        x = self.embed_tokens(ids)
        cos, sin = self.cos[:T], self.sin[:T]
        for blk in self.layers:
            x = blk(x, cos, sin, self.mask)
        logits = self.lm_head(self.norm(x))
        if targets is None:
            return logits
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))

    @torch.no_grad()
    def generate(self, ids, n, temperature=0.8, top_k=40, generator=None):
        ids = list(ids)
        for _ in range(n):
            x = torch.tensor([ids[-self.cfg["ctx"]:]])
            logits = self(x)[0, -1] / temperature
            v, i = logits.topk(top_k)
            ids.append(int(i[torch.multinomial(v.softmax(-1), 1, generator=generator)]))
        return ids
