//go:build js

package webgpu

import (
	"fmt"
	"slices"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/weights/quant"
)

// GroupNormSiLU is group_norm.wgsl with SiLU applied before the store: one
// dispatch and no intermediate tensor (kernels.GroupNormSiLUer).
func (b *Backend) GroupNormSiLU(x, gamma, beta kernels.Tensor, groups int, eps float32) kernels.Tensor {
	return b.groupNorm("group_norm_silu", x, gamma, beta, groups, eps, 1)
}

var _ kernels.GroupNormSiLUer = (*Backend)(nil)

// AddChannels is add_channels.wgsl (kernels.ChannelAdder).
func (b *Backend) AddChannels(x, p kernels.Tensor) kernels.Tensor {
	t, pc := b.f32(x, "add_channels"), b.f32(p, "add_channels")
	if len(t.shape) < 2 || t.shape[0]*t.shape[1] != pc.n {
		panic(fmt.Sprintf("webgpu: add_channels: x %v needs [N, C, ...] and p N·C values, p has %d", t.shape, pc.n))
	}
	out := b.output("add_channels", slices.Clone(t.shape))
	if live(t, pc, out) && t.n > 0 {
		b.run1D("add_channels", t.n, []uint32{uint32(t.n), uint32(t.n / pc.n)}, t.buf, pc.buf, out.buf)
	}
	return out
}

var _ kernels.ChannelAdder = (*Backend)(nil)

// AppendRows writes x's rows after seq's into seq's buffer when it has room,
// else into a new buffer twice the size needed (so a KV cache that grows by
// a token at a time is reallocated O(log n) times). Both are copy commands
// recorded between compute passes, not dispatches (kernels.RowAppender).
func (b *Backend) AppendRows(seq, x kernels.Tensor) kernels.Tensor {
	st, xt := b.f32(seq, "append_rows"), b.f32(x, "append_rows")
	if len(st.shape) != 3 || len(xt.shape) != 3 || st.shape[0] != 1 || xt.shape[0] != 1 || st.shape[2] != xt.shape[2] {
		panic(fmt.Sprintf("webgpu: append_rows: seq %v and x %v must be [1, L1, C] and [1, L2, C]", st.shape, xt.shape))
	}
	out := &tensor{name: st.name, shape: []int{1, st.shape[1] + xt.shape[1], st.shape[2]}, dt: quant.F32,
		n: st.n + xt.n, bytes: st.bytes + xt.bytes, guard: st.guard}
	buf := st.buf
	st.buf = nil // consumed: a later use fails like a use after Free
	if b.err != nil || buf == nil || xt.buf == nil {
		b.release(buf)
		return out
	}
	if out.bytes > b.room(buf, st.guard) {
		grown, err := b.alloc(st.name, min(2*out.bytes, b.maxSize), st.guard)
		if err != nil {
			b.release(buf)
			b.fail(fmt.Errorf("webgpu: append_rows %q to %v: %w", st.name, out.shape, err))
			return out
		}
		b.endPass()
		if st.bytes > 0 {
			b.encoder().CopyBufferToBuffer(buf, 0, grown, 0, st.bytes)
		}
		b.release(buf)
		buf = grown
	}
	b.endPass()
	if xt.bytes > 0 {
		b.encoder().CopyBufferToBuffer(xt.buf, 0, buf, st.bytes, xt.bytes)
	}
	out.buf = buf
	return out
}

// room is how many bytes of data buf holds (alloc's size, without a guard
// band).
func (b *Backend) room(buf *wgpu.Buffer, guard bool) uint64 {
	if guard {
		return buf.Size() - guardWords*4
	}
	return buf.Size()
}

var _ kernels.RowAppender = (*Backend)(nil)

// SplitQKV is split_qkv.wgsl: one dispatch for the three column ranges and
// both rotations (kernels.QKVSplitter).
func (b *Backend) SplitQKV(qkv kernels.Tensor, nHeads, nKVHeads, pos0 int, ropeBase float32) (q, k, v kernels.Tensor) {
	t := b.f32(qkv, "split_qkv")
	if s := t.shape; len(s) != 3 || nHeads <= 0 || nKVHeads <= 0 || s[2]%(nHeads+2*nKVHeads) != 0 || s[2]/(nHeads+2*nKVHeads)%2 != 0 {
		panic(fmt.Sprintf("webgpu: split_qkv: qkv %v with %d heads and %d kv heads needs [B, L, (heads+2·kv heads)·D], D even", s, nHeads, nKVHeads))
	}
	bs, l, d := t.shape[0], t.shape[1], t.shape[2]/(nHeads+2*nKVHeads)
	tq := b.output("split_qkv", []int{bs, l, nHeads * d})
	tk := b.output("split_qkv", []int{bs, l, nKVHeads * d})
	tv := b.output("split_qkv", []int{bs, l, nKVHeads * d})
	if !live(t, tq, tk, tv) || t.n == 0 {
		return tq, tk, tv
	}
	tab, rope := b.dummy, uint32(0)
	if ropeBase > 0 {
		var err error
		if tab, err = b.ropeTable(d, pos0+l, ropeBase); err != nil {
			b.fail(fmt.Errorf("webgpu: split_qkv: %w", err))
			return tq, tk, tv
		}
		rope = 1
	}
	pairs := t.n / 2
	words := []uint32{uint32(pairs), uint32(l), uint32(nHeads), uint32(nKVHeads), uint32(d / 2), rope, uint32(pos0)}
	b.run1D("split_qkv", pairs, words, t.buf, tab, tq.buf, tk.buf, tv.buf)
	return tq, tk, tv
}

var _ kernels.QKVSplitter = (*Backend)(nil)

// SwiGLU is matvec.wgsl's DUAL variant for a decode step's few rows (both
// weights in one pass over x); more rows take the gate matmul and the up
// matmul with the gate in its epilogue (kernels.SwiGLUer).
func (b *Backend) SwiGLU(x, gate, up kernels.Tensor) kernels.Tensor {
	tx, tg, tu := b.f32(x, "swiglu"), b.tensor(gate, "swiglu"), b.tensor(up, "swiglu")
	if len(tx.shape) < 2 || len(tg.shape) != 2 || !slices.Equal(tg.shape, tu.shape) || tg.dt != tu.dt || tg.shape[1] != tx.shape[len(tx.shape)-1] {
		panic(fmt.Sprintf("webgpu: swiglu: x %v, gate %v %v and up %v %v: need [.., K], two [N, K] weights of one dtype", tx.shape, tg.dt, tg.shape, tu.dt, tu.shape))
	}
	n, k := tg.shape[0], tg.shape[1]
	rows := tx.n / max(k, 1)
	if rows > matvecRows || k == 0 {
		g := b.MatMul(x, gate, true)
		defer b.Free(g)
		return b.MatMulGated(x, up, g, true)
	}
	shape := append(slices.Clone(tx.shape[:len(tx.shape)-1]), n)
	out := b.output("matvec", shape)
	if live(tx, tg, tu, out) && out.n > 0 {
		b.matvec(tg, tx, out, rows, n, k, []uint32{epiNone, 1}, nil, tu, rmsNorm{})
	}
	return out
}

var _ kernels.SwiGLUer = (*Backend)(nil)

// RMSNormMatMul is the matrix-vector kernels' NORM variant for a decode
// step's few rows (matvec.wgsl on a GPU, matvec_rows.wgsl on a software
// adapter): the norm applied to x as the product reads it, no dispatch and
// no temporary for the norm (kernels.NormMatMuler). Prefill, a K not a
// multiple of 4 and a norm without gamma take RMSNorm then MatMul.
func (b *Backend) RMSNormMatMul(x, gamma kernels.Tensor, eps float32, w kernels.Tensor) kernels.Tensor {
	return b.normMatVec(x, gamma, eps, w, nil)
}

// RMSNormSwiGLU is RMSNormMatMul for SwiGLU's gate and up together
// (matvec.wgsl's DUAL and NORM).
func (b *Backend) RMSNormSwiGLU(x, gamma kernels.Tensor, eps float32, gate, up kernels.Tensor) kernels.Tensor {
	return b.normMatVec(x, gamma, eps, gate, up)
}

var _ kernels.NormMatMuler = (*Backend)(nil)

// normMatVec computes RMSNorm(x)·wᵀ, or with up SiLU(RMSNorm(x)·wᵀ) ·
// (RMSNorm(x)·upᵀ), in one matvec where it can.
func (b *Backend) normMatVec(x, gamma kernels.Tensor, eps float32, w, up kernels.Tensor) kernels.Tensor {
	tx, tw := b.f32(x, "rms_norm_matvec"), b.tensor(w, "rms_norm_matvec")
	if len(tx.shape) < 2 || len(tw.shape) != 2 || tw.shape[1] != tx.shape[len(tx.shape)-1] {
		panic(fmt.Sprintf("webgpu: rms_norm_matvec: x %v and weight %v: need [.., K] and [N, K]", tx.shape, tw.shape))
	}
	n, k := tw.shape[0], tw.shape[1]
	rows := tx.n / max(k, 1)
	var tu *tensor
	if up != nil {
		tu = b.tensor(up, "rms_norm_matvec")
		if !slices.Equal(tu.shape, tw.shape) || tu.dt != tw.dt {
			panic(fmt.Sprintf("webgpu: rms_norm_matvec: gate %v %v and up %v %v differ", tw.dt, tw.shape, tu.dt, tu.shape))
		}
	}
	if gamma == nil || rows > matvecRows || k == 0 || k%4 != 0 {
		h := b.RMSNorm(x, gamma, eps)
		defer b.Free(h)
		if up != nil {
			return b.SwiGLU(h, w, up)
		}
		return b.MatMul(h, w, true)
	}
	g := b.f32(gamma, "rms_norm_matvec")
	checkVec("rms_norm_matvec", "gamma", g, k)
	out := b.output("matvec", append(slices.Clone(tx.shape[:len(tx.shape)-1]), n))
	if live(tx, tw, g, out) && (tu == nil || live(tu)) {
		b.matvec(tw, tx, out, rows, n, k, []uint32{epiNone, 1}, nil, tu, rmsNorm{gamma: g, eps: eps})
	}
	return out
}
