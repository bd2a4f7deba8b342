package kernels

import "fmt"

// Fused ops are optional: a backend that can do two ops in one pass over
// memory (one GPU dispatch instead of two, no intermediate tensor)
// implements the interface; models call the package function, which falls
// back to the two ops on any other backend. They are outside Backend so
// that adding one breaks no implementation.

// GroupNormSiLUer fuses GroupNorm and the SiLU after it, the pair that
// opens every UNet resnet half.
type GroupNormSiLUer interface {
	// GroupNormSiLU is SiLU(GroupNorm(x, gamma, beta, groups, eps)),
	// rounded like the two ops (the norm's f32 result, then SiLU of it).
	GroupNormSiLU(x, gamma, beta Tensor, groups int, eps float32) Tensor
}

// GroupNormSiLU computes SiLU(GroupNorm(x)) on b: fused when b implements
// GroupNormSiLUer, else as the two ops with the intermediate freed.
func GroupNormSiLU(b Backend, x, gamma, beta Tensor, groups int, eps float32) Tensor {
	if f, ok := b.(GroupNormSiLUer); ok {
		return f.GroupNormSiLU(x, gamma, beta, groups, eps)
	}
	n := b.GroupNorm(x, gamma, beta, groups, eps)
	out := b.SiLU(n)
	b.Free(n)
	return out
}

// ChannelAdder adds a per-(image, channel) value to a feature map: the
// UNet's time embedding, which otherwise needs a MatMul by ones to
// broadcast it and an Add (two dispatches and an [N, C, H, W] temporary).
type ChannelAdder interface {
	// AddChannels returns x [N, C, ...] with p[n, c] added to every value
	// of image n's channel c; p has N·C values ([N, C] or [N, C, 1, 1]).
	AddChannels(x, p Tensor) Tensor
}

// Conv2dChannelAdder adds a per-(image, channel) value to a convolution's
// output as it is stored: the time embedding a UNet resnet adds after its
// first convolution, one dispatch and one pass over the feature map fewer.
// A model falls back to Conv2d then ChannelAdder's AddChannels (or its own
// broadcast).
type Conv2dChannelAdder interface {
	// Conv2dAddChannels is AddChannels(Conv2d(x, w, bias, stride, pad), p),
	// p with the output's N·O values.
	Conv2dAddChannels(x, w, bias, p Tensor, stride, pad int) Tensor
}

// MatMulFuser applies an elementwise op to a matrix product as it is
// stored: one dispatch instead of two, and the product is never written
// out on its own. Decoders need it twice per block (the residual adds) and
// once more for SwiGLU; GPT-2 for every linear layer's bias.
type MatMulFuser interface {
	// MatMulAdd is Add(MatMul(a, b, transB), c): c has the product's shape
	// or a suffix of it (a bias [N]).
	MatMulAdd(a, b, c Tensor, transB bool) Tensor
	// MatMulGated is Mul(SiLU(g), MatMul(a, b, transB)), g of the
	// product's shape: the gating of a SwiGLU MLP.
	MatMulGated(a, b, g Tensor, transB bool) Tensor
}

// MatMulAdd computes MatMul(a, w, transB) + c on b: fused when b
// implements MatMulFuser, else as the two ops.
func MatMulAdd(b Backend, a, w, c Tensor, transB bool) Tensor {
	if f, ok := b.(MatMulFuser); ok {
		return f.MatMulAdd(a, w, c, transB)
	}
	p := b.MatMul(a, w, transB)
	out := b.Add(p, c)
	b.Free(p)
	return out
}

// MatMulGated computes SiLU(g) · MatMul(a, w, transB) on b: fused when b
// implements MatMulFuser, else as three ops.
func MatMulGated(b Backend, a, w, g Tensor, transB bool) Tensor {
	if f, ok := b.(MatMulFuser); ok {
		return f.MatMulGated(a, w, g, transB)
	}
	p := b.MatMul(a, w, transB)
	s := b.SiLU(g)
	out := b.Mul(s, p)
	b.Free(p)
	b.Free(s)
	return out
}

// BiasGELUer applies a bias and GELU to a matrix product as it is stored:
// GPT-2's MLP up-projection in one dispatch instead of two.
type BiasGELUer interface {
	// MatMulAddGELU is GELU(MatMulAdd(a, b, bias, transB)), GELU as
	// Backend.GELU (GPT-2's tanh approximation), bias [N].
	MatMulAddGELU(a, b, bias Tensor, transB bool) Tensor
}

// MatMulAddGELU computes GELU(MatMul(a, w, transB) + bias) on b: fused
// when b implements BiasGELUer, else as MatMulAdd and GELU.
func MatMulAddGELU(b Backend, a, w, bias Tensor, transB bool) Tensor {
	if f, ok := b.(BiasGELUer); ok {
		return f.MatMulAddGELU(a, w, bias, transB)
	}
	p := MatMulAdd(b, a, w, bias, transB)
	out := b.GELU(p)
	b.Free(p)
	return out
}

// SwiGLUer computes a SwiGLU MLP's gate and up projections together: a
// matrix-vector product (a decode step) reads each row of x once for both
// weights, one dispatch instead of two.
type SwiGLUer interface {
	// SwiGLU is SiLU(MatMul(x, gate, true)) · MatMul(x, up, true); gate
	// and up have the same shape and dtype.
	SwiGLU(x, gate, up Tensor) Tensor
}

// SwiGLU computes SiLU(x·gateᵀ) · (x·upᵀ) on b: fused when b implements
// SwiGLUer, else as MatMul and MatMulGated.
func SwiGLU(b Backend, x, gate, up Tensor) Tensor {
	if f, ok := b.(SwiGLUer); ok {
		return f.SwiGLU(x, gate, up)
	}
	g := b.MatMul(x, gate, true)
	defer b.Free(g)
	return MatMulGated(b, x, up, g, true)
}

// Conv2dAdder fuses a residual add into a convolution's store: a UNet
// resnet ends with Add(x, Conv2d(h)), one dispatch and one feature-map
// temporary fewer per resnet.
type Conv2dAdder interface {
	// Conv2dAdd is Add(Conv2d(x, w, bias, stride, pad), r), r of the
	// convolution's output shape.
	Conv2dAdd(x, w, bias, r Tensor, stride, pad int) Tensor
}

// Conv2dAdd computes Conv2d(x, w, bias, stride, pad) + r on b: fused when
// b implements Conv2dAdder, else as the two ops.
func Conv2dAdd(b Backend, x, w, bias, r Tensor, stride, pad int) Tensor {
	if f, ok := b.(Conv2dAdder); ok {
		return f.Conv2dAdd(x, w, bias, r, stride, pad)
	}
	c := b.Conv2d(x, w, bias, stride, pad)
	out := b.Add(c, r)
	b.Free(c)
	return out
}

// QKVSplitter splits a fused query-key-value projection, so that a
// decoder block computes q, k and v with one matmul instead of three.
type QKVSplitter interface {
	// SplitQKV returns the columns of qkv [B, L, (nHeads+2·nKVHeads)·D]
	// as q [B, L, nHeads·D], k and v [B, L, nKVHeads·D]. With ropeBase > 0,
	// q and k come back rotated as RoPE(x, heads, pos0, ropeBase) rotates
	// them (Llama); with 0, unrotated (GPT-2).
	SplitQKV(qkv Tensor, nHeads, nKVHeads, pos0 int, ropeBase float32) (q, k, v Tensor)
}

// SplitQKV splits qkv on b (see QKVSplitter): in one pass when b
// implements QKVSplitter, else with the Backend's ops (the columns taken
// as rows of the transpose, then RoPE).
func SplitQKV(b Backend, qkv Tensor, nHeads, nKVHeads, pos0 int, ropeBase float32) (q, k, v Tensor) {
	if f, ok := b.(QKVSplitter); ok {
		return f.SplitQKV(qkv, nHeads, nKVHeads, pos0, ropeBase)
	}
	_, _, d := splitDims(qkv.Shape(), nHeads, nKVHeads)
	t := b.Transpose(qkv)
	cols := func(start, n int) Tensor {
		r := b.Rows(t, start, n)
		out := b.Transpose(r)
		b.Free(r)
		return out
	}
	q, k, v = cols(0, nHeads*d), cols(nHeads*d, nKVHeads*d), cols((nHeads+nKVHeads)*d, nKVHeads*d)
	b.Free(t)
	if ropeBase > 0 {
		rq, rk := b.RoPE(q, nHeads, pos0, ropeBase), b.RoPE(k, nKVHeads, pos0, ropeBase)
		b.Free(q)
		b.Free(k)
		q, k = rq, rk
	}
	return q, k, v
}

// splitDims checks SplitQKV's shapes and returns B, L and the head size D.
func splitDims(shape []int, nHeads, nKVHeads int) (bs, l, d int) {
	heads := nHeads + 2*nKVHeads
	if len(shape) != 3 || nHeads <= 0 || nKVHeads <= 0 || shape[2]%heads != 0 || (shape[2]/heads)%2 != 0 {
		panic(fmt.Sprintf("kernels: SplitQKV: qkv %v with %d heads and %d kv heads needs [B, L, (heads+2·kv heads)·D], D even", shape, nHeads, nKVHeads))
	}
	return shape[0], shape[1], shape[2] / heads
}

// RowAppender grows a sequence without copying what it holds: a KV cache
// gains one row per decoded token, and ConcatChannels would copy the whole
// cache (O(length) per token) in a dispatch of its own.
type RowAppender interface {
	// AppendRows returns [1, L1+L2, C]: the rows of seq [1, L1, C], then
	// those of x [1, L2, C]. seq is consumed: the result may share its
	// memory, so seq must be neither used nor freed afterwards.
	AppendRows(seq, x Tensor) Tensor
}

// AppendRows appends x's rows to seq on b (see RowAppender; seq is
// consumed either way): in place when b implements RowAppender, else
// through ConcatChannels.
func AppendRows(b Backend, seq, x Tensor) Tensor {
	if f, ok := b.(RowAppender); ok {
		return f.AppendRows(seq, x)
	}
	checkAppend(seq, x)
	out := b.ConcatChannels(seq, x)
	b.Free(seq)
	return out
}

// checkAppend panics unless seq and x are [1, L, C] with the same C.
func checkAppend(seq, x Tensor) {
	s, t := seq.Shape(), x.Shape()
	if len(s) != 3 || len(t) != 3 || s[0] != 1 || t[0] != 1 || s[2] != t[2] {
		panic(fmt.Sprintf("kernels: AppendRows: seq %v and x %v must be [1, L1, C] and [1, L2, C]", s, t))
	}
}

// NormMatMuler folds a decoder's RMSNorm into the products that read its
// output, for a decode step: each matrix-vector product reads the
// un-normalized row, scales it by gamma as it goes, sums its squares
// alongside, and scales its results by 1/rms at the end (the row's 1/rms
// is common to all of them). One dispatch and one [rows, K] temporary
// fewer per norm: 9 of a Llama decode step's 35 dispatches on fortunes.
type NormMatMuler interface {
	// RMSNormMatMul is MatMul(RMSNorm(x, gamma, eps), w, true).
	RMSNormMatMul(x, gamma Tensor, eps float32, w Tensor) Tensor
	// RMSNormSwiGLU is SwiGLU(RMSNorm(x, gamma, eps), gate, up).
	RMSNormSwiGLU(x, gamma Tensor, eps float32, gate, up Tensor) Tensor
}

// RMSNormMatMul computes RMSNorm(x, gamma, eps)·wᵀ on b: fused when b
// implements NormMatMuler, else as the two ops.
func RMSNormMatMul(b Backend, x, gamma Tensor, eps float32, w Tensor) Tensor {
	if f, ok := b.(NormMatMuler); ok {
		return f.RMSNormMatMul(x, gamma, eps, w)
	}
	n := b.RMSNorm(x, gamma, eps)
	defer b.Free(n)
	return b.MatMul(n, w, true)
}

// RMSNormSwiGLU computes SwiGLU(RMSNorm(x, gamma, eps), gate, up) on b:
// fused when b implements NormMatMuler, else as RMSNorm and SwiGLU.
func RMSNormSwiGLU(b Backend, x, gamma Tensor, eps float32, gate, up Tensor) Tensor {
	if f, ok := b.(NormMatMuler); ok {
		return f.RMSNormSwiGLU(x, gamma, eps, gate, up)
	}
	n := b.RMSNorm(x, gamma, eps)
	defer b.Free(n)
	return SwiGLU(b, n, gate, up)
}
