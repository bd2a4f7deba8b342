//go:build js

package webgpu

import (
	"fmt"
	"math"
	"slices"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/wgsl"
)

// Shape mismatches panic with the op and the shapes (a bug in model code,
// see kernels.Backend); device trouble is a sticky error and a placeholder.

func (b *Backend) f32(kt kernels.Tensor, op string) *tensor {
	t := b.tensor(kt, op)
	if t.quantized() {
		panic(fmt.Sprintf("webgpu: %s: %v tensor %q is only supported as a matmul weight or embedding table", op, t.dt, t.name))
	}
	return t
}

func (b *Backend) elementwise(op string, x kernels.Tensor, words ...uint32) kernels.Tensor {
	t := b.f32(x, op)
	out := b.output(op, slices.Clone(t.shape))
	if live(t, out) {
		b.run1D(op, t.n, append([]uint32{uint32(t.n)}, words...), t.buf, out.buf)
	}
	return out
}

func (b *Backend) SiLU(x kernels.Tensor) kernels.Tensor    { return b.elementwise("silu", x) }
func (b *Backend) GELU(x kernels.Tensor) kernels.Tensor    { return b.elementwise("gelu", x) }
func (b *Backend) GELUErf(x kernels.Tensor) kernels.Tensor { return b.elementwise("gelu_erf", x) }

func (b *Backend) ScaleBias(x kernels.Tensor, scale, bias float32) kernels.Tensor {
	return b.elementwise("scale_bias", x, f32w(scale), f32w(bias))
}

func (b *Backend) Add(x, y kernels.Tensor) kernels.Tensor { return b.binary("add", x, y) }
func (b *Backend) Mul(x, y kernels.Tensor) kernels.Tensor { return b.binary("mul", x, y) }

func (b *Backend) binary(op string, x, y kernels.Tensor) kernels.Tensor {
	ta, tb := b.f32(x, op), b.f32(y, op)
	if len(tb.shape) > len(ta.shape) || !slices.Equal(ta.shape[len(ta.shape)-len(tb.shape):], tb.shape) || tb.n == 0 && ta.n != 0 {
		panic(fmt.Sprintf("webgpu: %s: b %v must be a's shape %v or a suffix of it", op, tb.shape, ta.shape))
	}
	out := b.output(op, slices.Clone(ta.shape))
	if live(ta, tb, out) {
		b.run1D(op, ta.n, []uint32{uint32(ta.n), uint32(tb.n)}, ta.buf, tb.buf, out.buf)
	}
	return out
}

// lastDim returns (rows, C) for an op over the last dimension.
func lastDim(op string, t *tensor) (int, int) {
	if len(t.shape) == 0 {
		panic(fmt.Sprintf("webgpu: %s: needs at least 1 dimension, got %v", op, t.shape))
	}
	c := t.shape[len(t.shape)-1]
	if c == 0 {
		return 0, 0
	}
	return t.n / c, c
}

func checkVec(op, what string, t *tensor, c int) {
	if t != nil && (len(t.shape) != 1 || t.shape[0] != c) {
		panic(fmt.Sprintf("webgpu: %s: %s must be [%d], got %v", op, what, c, t.shape))
	}
}

func (b *Backend) opt(kt kernels.Tensor, op string) *tensor {
	if kt == nil {
		return nil
	}
	return b.f32(kt, op)
}

func (b *Backend) Softmax(x kernels.Tensor) kernels.Tensor {
	t := b.f32(x, "softmax")
	rows, c := lastDim("softmax", t)
	out := b.output("softmax", slices.Clone(t.shape))
	if live(t, out) {
		b.runRows(b.reduction("softmax"), rows, []uint32{uint32(rows), uint32(c)}, t.buf, out.buf)
	}
	return out
}

func (b *Backend) LayerNorm(x, gamma, beta kernels.Tensor, eps float32) kernels.Tensor {
	t, g, be := b.f32(x, "layer_norm"), b.opt(gamma, "layer_norm"), b.opt(beta, "layer_norm")
	rows, c := lastDim("layer_norm", t)
	checkVec("layer_norm", "gamma", g, c)
	checkVec("layer_norm", "beta", be, c)
	out := b.output("layer_norm", slices.Clone(t.shape))
	if live(t, g, be, out) {
		gb, hg := b.optional(g)
		bb, hb := b.optional(be)
		b.runRows(b.reduction("layer_norm"), rows, []uint32{uint32(rows), uint32(c), f32w(eps), hg, hb}, t.buf, gb, bb, out.buf)
	}
	return out
}

func (b *Backend) RMSNorm(x, gamma kernels.Tensor, eps float32) kernels.Tensor {
	t, g := b.f32(x, "rms_norm"), b.opt(gamma, "rms_norm")
	rows, c := lastDim("rms_norm", t)
	checkVec("rms_norm", "gamma", g, c)
	out := b.output("rms_norm", slices.Clone(t.shape))
	if live(t, g, out) {
		gb, hg := b.optional(g)
		b.runRows(b.reduction("rms_norm"), rows, []uint32{uint32(rows), uint32(c), f32w(eps), hg}, t.buf, gb, out.buf)
	}
	return out
}

func (b *Backend) GroupNorm(x, gamma, beta kernels.Tensor, groups int, eps float32) kernels.Tensor {
	return b.groupNorm("group_norm", x, gamma, beta, groups, eps, 0)
}

// groupNorm runs group_norm.wgsl, then act on each value (0: none, 1: SiLU).
func (b *Backend) groupNorm(kernel string, x, gamma, beta kernels.Tensor, groups int, eps float32, act uint32) kernels.Tensor {
	t, g, be := b.f32(x, "group_norm"), b.opt(gamma, "group_norm"), b.opt(beta, "group_norm")
	if len(t.shape) < 2 || groups <= 0 || t.shape[1]%groups != 0 {
		panic(fmt.Sprintf("webgpu: group_norm: x %v needs [N, C, ...] with C a multiple of groups=%d", t.shape, groups))
	}
	n, c := t.shape[0], t.shape[1]
	checkVec("group_norm", "gamma", g, c)
	checkVec("group_norm", "beta", be, c)
	out := b.output("group_norm", slices.Clone(t.shape))
	if live(t, g, be, out) && t.n > 0 {
		s := t.n / (n * c)
		gb, hg := b.optional(g)
		bb, hb := b.optional(be)
		words := []uint32{uint32(n * groups), uint32(c / groups), uint32(s), f32w(eps), hg, hb, uint32(groups), act}
		b.costNext(kernel, 0)
		b.runRows(b.reduction("group_norm"), n*groups, words, t.buf, gb, bb, out.buf)
	}
	return out
}

func (b *Backend) Upsample2x(x kernels.Tensor) kernels.Tensor {
	t := b.f32(x, "upsample2x")
	if len(t.shape) != 4 {
		panic(fmt.Sprintf("webgpu: upsample2x: x must be [N, C, H, W], got %v", t.shape))
	}
	h, w := t.shape[2], t.shape[3]
	out := b.output("upsample2x", []int{t.shape[0], t.shape[1], 2 * h, 2 * w})
	if live(t, out) {
		b.run1D("upsample2x", out.n, []uint32{uint32(out.n), uint32(h), uint32(w)}, t.buf, out.buf)
	}
	return out
}

func (b *Backend) ConcatChannels(x, y kernels.Tensor) kernels.Tensor {
	ta, tb := b.f32(x, "concat_channels"), b.f32(y, "concat_channels")
	if len(ta.shape) < 2 || len(ta.shape) != len(tb.shape) || ta.shape[0] != tb.shape[0] || !slices.Equal(ta.shape[2:], tb.shape[2:]) {
		panic(fmt.Sprintf("webgpu: concat_channels: a %v and b %v must be [N, C1, ...] and [N, C2, ...]", ta.shape, tb.shape))
	}
	shape := slices.Clone(ta.shape)
	shape[1] += tb.shape[1]
	out := b.output("concat_channels", shape)
	if live(ta, tb, out) && out.n > 0 {
		n := ta.shape[0]
		b.run1D("concat_channels", out.n, []uint32{uint32(out.n), uint32(ta.n / n), uint32(tb.n / n)}, ta.buf, tb.buf, out.buf)
	}
	return out
}

func (b *Backend) Conv2d(x, w, bias kernels.Tensor, stride, pad int) kernels.Tensor {
	return b.conv2d(x, w, bias, stride, pad, epilogue{})
}

// Conv2dAdd is Conv2d with r added as each output is stored
// (kernels.Conv2dAdder).
func (b *Backend) Conv2dAdd(x, w, bias, r kernels.Tensor, stride, pad int) kernels.Tensor {
	return b.conv2d(x, w, bias, stride, pad, epilogue{op: epiAdd, c: r})
}

var _ kernels.Conv2dAdder = (*Backend)(nil)

// Conv2dAddChannels is Conv2d with p's value of each output's (image,
// channel) added as it is stored (kernels.Conv2dChannelAdder).
func (b *Backend) Conv2dAddChannels(x, w, bias, p kernels.Tensor, stride, pad int) kernels.Tensor {
	return b.conv2d(x, w, bias, stride, pad, epilogue{op: epiAddChannels, c: p})
}

var _ kernels.Conv2dChannelAdder = (*Backend)(nil)

func (b *Backend) conv2d(x, w, bias kernels.Tensor, stride, pad int, e epilogue) kernels.Tensor {
	tx, tw, tb := b.f32(x, "conv2d"), b.f32(w, "conv2d"), b.opt(bias, "conv2d")
	if len(tx.shape) != 4 || len(tw.shape) != 4 || tw.shape[1] != tx.shape[1] || tw.shape[2] != tw.shape[3] || stride < 1 || pad < 0 {
		panic(fmt.Sprintf("webgpu: conv2d: x %v, w %v, stride %d, pad %d: need x [N, C, H, W], w [O, C, k, k]", tx.shape, tw.shape, stride, pad))
	}
	n, h, wd := tx.shape[0], tx.shape[2], tx.shape[3]
	o, k := tw.shape[0], tw.shape[2]
	checkVec("conv2d", "bias", tb, o)
	oh, ow := (h+2*pad-k)/stride+1, (wd+2*pad-k)/stride+1
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("webgpu: conv2d: x %v with kernel %d, pad %d gives no output", tx.shape, k, pad))
	}
	if h == 1 && wd == 1 && k == 1 && pad == 0 && e.op == epiNone {
		// A 1x1 convolution of 1x1 images (the UNet's time-embedding
		// projections) is a matrix product, for which a few images get the
		// matrix-vector kernels; an implicit GEMM's tiles would be one
		// pixel wide.
		c := tx.shape[1]
		xs, ws := b.Reshape(x, n, c), b.Reshape(w, o, c)
		var prod kernels.Tensor
		if tb == nil {
			prod = b.MatMul(xs, ws, true)
		} else {
			prod = b.MatMulAdd(xs, ws, bias, true)
		}
		return b.Reshape(prod, n, o, 1, 1)
	}
	shape := []int{n, o, oh, ow}
	epi, rbuf, rLive := b.epilogueArgs(e, shape)
	if e.op == epiAdd && !slices.Equal(e.c.Shape(), shape) {
		panic(fmt.Sprintf("webgpu: conv2d: the residual %v is not the output's shape %v", e.c.Shape(), shape))
	}
	out := b.output("conv2d", shape)
	switch {
	case !live(tx, tw, tb, out) || !rLive || out.n == 0:
	case b.convRows(h, wd, k, stride, pad):
		b.conv2dRows(tx, tw, tb, out, stride, epi, rbuf)
	default:
		b.conv2dGemm(tx, tw, tb, out, stride, pad, epi, rbuf)
	}
	return out
}

func (b *Backend) TimestepEmbedding(ts []float32, dim int) kernels.Tensor {
	// Computed on the host in float64: it is tiny, and f32 cos/sin of
	// t·f for t up to 1000 would lose precision on the GPU.
	if dim <= 0 || dim%2 != 0 {
		panic(fmt.Sprintf("webgpu: timestep_embedding: dim %d must be even and positive", dim))
	}
	half := dim / 2
	data := make([]float32, len(ts)*dim)
	for n, tv := range ts {
		for i := 0; i < half; i++ {
			arg := float64(tv) * math.Pow(10000, -float64(i)/float64(half))
			data[n*dim+i] = float32(math.Cos(arg))
			data[n*dim+half+i] = float32(math.Sin(arg))
		}
	}
	// Written by the host, so from the host pool: an op output's buffer
	// may still be read by recorded work (pool_js.go).
	out, err := b.Upload("timestep_embedding", []int{len(ts), dim}, data)
	if err != nil {
		b.fail(fmt.Errorf("webgpu: %w", err))
		return &tensor{name: "timestep_embedding", shape: []int{len(ts), dim}, n: len(data), bytes: uint64(4 * len(data))}
	}
	return out
}

// reduction names the variant of a row-reducing shader (reduce.wgsli) for
// this device: 256 invocations a row on a GPU, 4 on SwiftShader.
func (b *Backend) reduction(shader string) string {
	if b.software {
		return b.variant(shader, wgsl.Defs{"WG": "4"})
	}
	return b.variant(shader, wgsl.Defs{"WG": "256"})
}
