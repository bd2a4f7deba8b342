"""Class-conditional UNet for 32x32x1 images, named like diffusers' UNet2DModel.

The state_dict names are the contract with the Go engine (models/diffusion), which
loads the exported safetensors/GGUF by these exact names. Every op here is one the
engine has: conv2d (3x3 stride 1/2 pad 1, 1x1), GroupNorm (eps 1e-5), SiLU, linear,
nearest 2x upsample, channel concat, single-head softmax attention, the sinusoidal
timestep embedding, add and mul. No GELU, no dropout, no scale-shift norm.

Forward, in order:
  temb = linear_2(silu(linear_1(time_proj(t)))) + class_embedding(y)
  h = conv_in(x); skips = [h]
  for each down block: for each resnet: h = resnet(h, temb); skips += [h]
                       if not last: h = downsamplers.0.conv(h) (stride 2); skips += [h]
  h = mid.resnets.0(h); h = mid.attentions.0(h); h = mid.resnets.1(h)
  for each up block (reversed channels): for each of its layers_per_block+1 resnets:
                       h = resnet(concat([h, skips.pop()], channel), temb)
                       if not last: h = upsamplers.0.conv(nearest2x(h))
  out = conv_out(silu(conv_norm_out(h)))
"""
import math
from dataclasses import dataclass, asdict, field

import torch
import torch.nn as nn
import torch.nn.functional as F

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


@dataclass
class UNetConfig:
    sample_size: int = 32
    in_channels: int = 1
    out_channels: int = 1
    block_out_channels: tuple = (32, 64, 64)
    layers_per_block: int = 1
    norm_num_groups: int = 8
    norm_eps: float = 1e-5
    attention_head_dim: int = 64  # heads = channels // head_dim in the mid block
    num_classes: int = 10  # class index num_classes is the null (unconditional) class
    freq_shift: float = 0.0
    flip_sin_to_cos: bool = True

    @property
    def temb_dim(self):
        return 4 * self.block_out_channels[0]

    def to_dict(self):
        d = asdict(self)
        d["block_out_channels"] = list(self.block_out_channels)
        d["temb_dim"] = self.temb_dim
        return d


def timestep_embedding(t, dim, flip_sin_to_cos=True, freq_shift=0.0, max_period=10000.0):
    """Sinusoidal embedding: freqs_i = max_period^(-i/(half-freq_shift)), i in [0, half).

    With flip_sin_to_cos the result is [cos(t*f) | sin(t*f)], as diffusers' Timesteps.
    Computed in float32 exactly like this so Go can reproduce it bit-closely.
    """
    half = dim // 2
    exponent = -math.log(max_period) * torch.arange(half, dtype=torch.float32) / (half - freq_shift)
    args = t.float()[:, None] * torch.exp(exponent)[None, :]
    emb = torch.cat([torch.sin(args), torch.cos(args)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half:], emb[:, :half]], dim=-1)
    return emb


class TimestepEmbedding(nn.Module):
    def __init__(self, in_dim, temb_dim):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, temb_dim)
        self.linear_2 = nn.Linear(temb_dim, temb_dim)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, temb_dim, groups, eps):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb_dim, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        # diffusers applies SiLU to the shared embedding before each block's projection.
        h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return x + h


class Attention(nn.Module):
    """Self-attention over the H*W positions with a residual connection."""

    def __init__(self, channels, head_dim, groups, eps):
        super().__init__()
        self.heads = max(1, channels // head_dim)
        self.group_norm = nn.GroupNorm(groups, channels, eps=eps)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels)])

    def forward(self, x):
        b, c, hgt, wid = x.shape
        h = self.group_norm(x).reshape(b, c, hgt * wid).transpose(1, 2)  # (b, n, c)
        d = c // self.heads

        def split(z):
            return z.reshape(b, -1, self.heads, d).transpose(1, 2)  # (b, heads, n, d)

        q, k, v = split(self.to_q(h)), split(self.to_k(h)), split(self.to_v(h))
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), dim=-1)
        o = (w @ v).transpose(1, 2).reshape(b, -1, c)
        o = self.to_out[0](o)
        return x + o.transpose(1, 2).reshape(b, c, hgt, wid)


class Downsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Upsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class DownBlock(nn.Module):
    def __init__(self, cin, cout, n, temb_dim, groups, eps, downsample):
        super().__init__()
        self.resnets = nn.ModuleList(
            [ResnetBlock(cin if i == 0 else cout, cout, temb_dim, groups, eps) for i in range(n)])
        self.downsamplers = nn.ModuleList([Downsample(cout)]) if downsample else None


class UpBlock(nn.Module):
    def __init__(self, resnet_io, temb_dim, groups, eps, upsample):
        super().__init__()
        self.resnets = nn.ModuleList(
            [ResnetBlock(cin, cout, temb_dim, groups, eps) for cin, cout in resnet_io])
        self.upsamplers = nn.ModuleList([Upsample(resnet_io[-1][1])]) if upsample else None


class MidBlock(nn.Module):
    def __init__(self, ch, temb_dim, groups, eps, head_dim):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock(ch, ch, temb_dim, groups, eps) for _ in range(2)])
        self.attentions = nn.ModuleList([Attention(ch, head_dim, groups, eps)])

    def forward(self, x, temb):
        x = self.resnets[0](x, temb)
        x = self.attentions[0](x)
        return self.resnets[1](x, temb)


class UNet(nn.Module):
    def __init__(self, cfg: UNetConfig):
        super().__init__()
        self.cfg = cfg
        ch = list(cfg.block_out_channels)
        g, eps, n = cfg.norm_num_groups, cfg.norm_eps, cfg.layers_per_block
        tdim = cfg.temb_dim
        self.time_embedding = TimestepEmbedding(ch[0], tdim)
        self.class_embedding = nn.Embedding(cfg.num_classes + 1, tdim)
        self.conv_in = nn.Conv2d(cfg.in_channels, ch[0], 3, padding=1)

        self.down_blocks = nn.ModuleList()
        skip_ch = [ch[0]]
        cin = ch[0]
        for i, cout in enumerate(ch):
            last = i == len(ch) - 1
            self.down_blocks.append(DownBlock(cin, cout, n, tdim, g, eps, not last))
            skip_ch += [cout] * n + ([] if last else [cout])
            cin = cout

        self.mid_block = MidBlock(ch[-1], tdim, g, eps, cfg.attention_head_dim)

        self.up_blocks = nn.ModuleList()
        rev = list(reversed(ch))
        cin = ch[-1]
        for i, cout in enumerate(rev):
            last = i == len(rev) - 1
            io = []
            for _ in range(n + 1):
                io.append((cin + skip_ch.pop(), cout))
                cin = cout
            self.up_blocks.append(UpBlock(io, tdim, g, eps, not last))

        self.conv_norm_out = nn.GroupNorm(g, ch[0], eps=eps)
        self.conv_out = nn.Conv2d(ch[0], cfg.out_channels, 3, padding=1)

    def forward(self, x, t, y):
        """x: (B,1,32,32) noisy image, t: (B,) timesteps in [0,T), y: (B,) class ids (10 = null)."""
        cfg = self.cfg
        temb = timestep_embedding(t, cfg.block_out_channels[0], cfg.flip_sin_to_cos, cfg.freq_shift)
        temb = self.time_embedding(temb) + self.class_embedding(y)

        h = self.conv_in(x)
        skips = [h]
        for blk in self.down_blocks:
            for r in blk.resnets:
                h = r(h, temb)
                skips.append(h)
            if blk.downsamplers is not None:
                h = blk.downsamplers[0](h)
                skips.append(h)
        h = self.mid_block(h, temb)
        for blk in self.up_blocks:
            for r in blk.resnets:
                h = r(torch.cat([h, skips.pop()], dim=1), temb)
            if blk.upsamplers is not None:
                h = blk.upsamplers[0](h)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


# small: 1.06M params (4.3 MB as F32 safetensors), single-head mid attention.
PRESETS = {
    "small": UNetConfig(block_out_channels=(32, 64, 64), layers_per_block=1, norm_num_groups=8),
    # 6.1M params: about 6.5 MB as Q8_0, under the 8 MB budget. Mid attention has 2 heads.
    "gpu": UNetConfig(block_out_channels=(64, 128, 128), layers_per_block=2, norm_num_groups=32),
}


def count_params(m):
    return sum(p.numel() for p in m.parameters())
