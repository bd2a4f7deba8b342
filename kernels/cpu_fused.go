package kernels

import (
	"fmt"
	"slices"
)

// GroupNormSiLU applies SiLU to GroupNorm's fresh output in place: no
// second tensor, and the values are still in cache for the large groups of
// the small UNet (the same expression as SiLU, so the same rounding).
func (c *cpu) GroupNormSiLU(x, gamma, beta Tensor, groups int, eps float32) Tensor {
	out := c.GroupNorm(x, gamma, beta, groups, eps).(*cpuTensor)
	out.name = "GroupNormSiLU"
	c.parallel(len(out.f32), 20, func(lo, hi int) {
		o := out.f32[lo:hi]
		for i, v := range o {
			o[i] = v / (1 + exp32(-v))
		}
	})
	return out
}

var _ GroupNormSiLUer = (*cpu)(nil)

func (c *cpu) AddChannels(x, p Tensor) Tensor {
	xt, pt := c.input("AddChannels", x), c.input("AddChannels", p)
	rows := channelRows("AddChannels", xt.shape, len(pt.f32))
	out := output("AddChannels", slices.Clone(xt.shape))
	if rows == 0 {
		return out
	}
	inner := len(xt.f32) / rows
	c.parallel(rows, inner, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			v, o, in := pt.f32[r], out.f32[r*inner:][:inner], xt.f32[r*inner:][:inner]
			for j := range o {
				o[j] = in[j] + v
			}
		}
	})
	return out
}

// channelRows checks AddChannels' shapes and returns N·C, the number of
// values p must have.
func channelRows(op string, shape []int, np int) int {
	if len(shape) < 2 || shape[0]*shape[1] != np {
		panic(fmt.Sprintf("kernels: %s: x %v needs [N, C, ...] and p N·C values, p has %d", op, shape, np))
	}
	return np
}

var _ ChannelAdder = (*cpu)(nil)

// AppendRows grows seq's slice with Go's append (amortized O(len(x)) per
// call, in place while the capacity lasts): a decoder's KV cache no longer
// copies itself every token (RowAppender).
func (c *cpu) AppendRows(seq, x Tensor) Tensor {
	checkAppend(seq, x)
	st, xt := c.input("AppendRows", seq), c.input("AppendRows", x)
	out := &cpuTensor{name: st.name, shape: []int{1, st.shape[1] + xt.shape[1], st.shape[2]}, dt: st.dt, src: st.src}
	out.f32 = append(st.f32, xt.f32...)
	st.f32 = nil // consumed: a later use fails like a use after Free
	return out
}

var _ RowAppender = (*cpu)(nil)

// SplitQKV copies each row's three column ranges out, then rotates q and k
// with RoPE (QKVSplitter): a few row copies instead of the composed
// fallback's transposes.
func (c *cpu) SplitQKV(qkv Tensor, nHeads, nKVHeads, pos0 int, ropeBase float32) (q, k, v Tensor) {
	bs, l, d := splitDims(qkv.Shape(), nHeads, nKVHeads)
	in := c.input("SplitQKV", qkv)
	nq, nkv := nHeads*d, nKVHeads*d
	qt, kt, vt := output("SplitQKV", []int{bs, l, nq}), output("SplitQKV", []int{bs, l, nkv}), output("SplitQKV", []int{bs, l, nkv})
	for r := 0; r < bs*l; r++ {
		row := in.f32[r*(nq+2*nkv):][:nq+2*nkv]
		copy(qt.f32[r*nq:][:nq], row[:nq])
		copy(kt.f32[r*nkv:][:nkv], row[nq:nq+nkv])
		copy(vt.f32[r*nkv:][:nkv], row[nq+nkv:])
	}
	if ropeBase <= 0 {
		return qt, kt, vt
	}
	q, k = c.RoPE(qt, nHeads, pos0, ropeBase), c.RoPE(kt, nKVHeads, pos0, ropeBase)
	return q, k, vt
}

var _ QKVSplitter = (*cpu)(nil)
