//go:build js

package webgpu

import (
	"fmt"
	"math"
	"slices"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights/quant"
)

func (b *Backend) MatMul(x, w kernels.Tensor, transB bool) kernels.Tensor {
	ta, tb := b.f32(x, "matmul"), b.tensor(w, "matmul")
	if len(ta.shape) < 2 || len(tb.shape) < 2 {
		panic(fmt.Sprintf("webgpu: matmul: a %v and b %v need at least 2 dimensions", ta.shape, tb.shape))
	}
	if tb.dt != quant.F32 && !transB {
		panic(fmt.Sprintf("webgpu: matmul: a %v weight b %v needs transB", tb.dt, tb.shape))
	}
	ra, rb := len(ta.shape), len(tb.shape)
	m, k := ta.shape[ra-2], ta.shape[ra-1]
	var n, kb int
	if transB {
		n, kb = tb.shape[rb-2], tb.shape[rb-1]
	} else {
		kb, n = tb.shape[rb-2], tb.shape[rb-1]
	}
	shared := rb == 2
	if kb != k || !shared && !slices.Equal(ta.shape[:ra-2], tb.shape[:rb-2]) {
		panic(fmt.Sprintf("webgpu: matmul: a %v and b %v (transB=%v) do not fit", ta.shape, tb.shape, transB))
	}
	if tb.quantized() && !shared {
		panic(fmt.Sprintf("webgpu: matmul: a %v weight b must be 2-D, got %v", tb.dt, tb.shape))
	}
	shape := append(slices.Clone(ta.shape[:ra-2]), m, n)
	out := b.output("matmul", shape)
	if !live(ta, tb, out) || out.n == 0 {
		return out
	}
	batch := ta.n / max(m*k, 1)
	if k == 0 {
		batch = numel(ta.shape[:ra-2])
	}
	if tb.quantized() {
		rows := batch * m
		shader := "matmul_q8"
		if tb.dt == quant.Q4_0 {
			shader = "matmul_q4"
		}
		b.run1D(shader, rows*n, []uint32{uint32(rows), uint32(n), uint32(k), uint32(rows * n)}, ta.buf, tb.buf, tb.scales, out.buf)
		return out
	}
	tilesM, tilesN := (m+15)/16, (n+15)/16
	if tilesN > b.maxWG {
		b.fail(fmt.Errorf("webgpu: matmul: n=%d needs %d workgroups in x, over the device's %d", n, tilesN, b.maxWG))
		return out
	}
	strideB := 0
	if !shared {
		strideB = n * k
	}
	tb01 := uint32(0)
	if transB {
		tb01 = 1
	}
	y, z := b.grid(batch * tilesM)
	words := []uint32{uint32(m), uint32(n), uint32(k), uint32(batch), uint32(tilesM), tb01, uint32(m * k), uint32(strideB)}
	b.run("matmul", words, uint32(tilesN), y, z, ta.buf, tb.buf, out.buf)
	return out
}

// maxHeadDim is the largest head size attention.wgsl handles (4 dims per
// invocation, 64 invocations).
const maxHeadDim = 256

func (b *Backend) Attention(q, k, v kernels.Tensor, nHeads, nKVHeads int, causal bool) kernels.Tensor {
	tq, tk, tv := b.f32(q, "attention"), b.f32(k, "attention"), b.f32(v, "attention")
	if len(tq.shape) != 3 || len(tk.shape) != 3 || !slices.Equal(tk.shape, tv.shape) || tq.shape[0] != tk.shape[0] ||
		nHeads <= 0 || nKVHeads <= 0 || nHeads%nKVHeads != 0 || tq.shape[2]%nHeads != 0 ||
		tk.shape[2] != nKVHeads*(tq.shape[2]/nHeads) {
		panic(fmt.Sprintf("webgpu: attention: q %v, k %v, v %v with %d heads, %d kv heads do not fit", tq.shape, tk.shape, tv.shape, nHeads, nKVHeads))
	}
	bs, lq, lkv, d := tq.shape[0], tq.shape[1], tk.shape[1], tq.shape[2]/nHeads
	out := b.output("attention", slices.Clone(tq.shape))
	if d > maxHeadDim {
		b.fail(fmt.Errorf("webgpu: attention: head size %d is over the kernel's %d", d, maxHeadDim))
		return out
	}
	if !live(tq, tk, tv, out) || out.n == 0 {
		return out
	}
	rows := bs * nHeads * lq
	c := uint32(0)
	if causal {
		c = 1
	}
	words := []uint32{uint32(rows), uint32(lq), uint32(lkv), uint32(nHeads), uint32(nKVHeads), uint32(d), c, f32w(float32(1 / math.Sqrt(float64(d))))}
	b.runRows("attention", rows, words, tq.buf, tk.buf, tv.buf, out.buf)
	return out
}

func (b *Backend) Embedding(table kernels.Tensor, ids []int32) kernels.Tensor {
	tt := b.tensor(table, "embedding")
	if len(tt.shape) != 2 {
		panic(fmt.Sprintf("webgpu: embedding: table must be [V, D], got %v", tt.shape))
	}
	v, d := tt.shape[0], tt.shape[1]
	out := b.output("embedding", []int{len(ids), d})
	u := make([]uint32, len(ids))
	for i, id := range ids {
		if id < 0 || int(id) >= v {
			b.fail(fmt.Errorf("webgpu: embedding %q: id %d at position %d is outside [0, %d)", tt.name, id, i, v))
			return out
		}
		u[i] = uint32(id)
	}
	if !live(tt, out) || out.n == 0 {
		return out
	}
	idt, err := b.alloc("embedding.ids", uint64(4*len(u)), false)
	if err == nil {
		err = b.queue.WriteBuffer(idt, 0, u32Bytes(u))
	}
	if err != nil {
		b.fail(fmt.Errorf("webgpu: embedding: %w", err))
		return out
	}
	words := []uint32{uint32(out.n), uint32(d)}
	switch tt.dt {
	case quant.Q8_0:
		b.run1D("embedding_q8", out.n, words, tt.buf, tt.scales, idt, out.buf)
	case quant.Q4_0:
		b.run1D("embedding_q4", out.n, words, tt.buf, tt.scales, idt, out.buf)
	default:
		b.run1D("embedding", out.n, words, tt.buf, idt, out.buf)
	}
	b.release(idt)
	return out
}

func (b *Backend) RoPE(x kernels.Tensor, nHeads, pos0 int, base float32) kernels.Tensor {
	t := b.f32(x, "rope")
	if len(t.shape) != 3 || nHeads <= 0 || t.shape[2]%nHeads != 0 || (t.shape[2]/nHeads)%2 != 0 {
		panic(fmt.Sprintf("webgpu: rope: x %v with %d heads needs [B, L, nHeads*D] with D even", t.shape, nHeads))
	}
	l, d := t.shape[1], t.shape[2]/nHeads
	out := b.output("rope", slices.Clone(t.shape))
	if !live(t, out) || out.n == 0 {
		return out
	}
	// cos and sin per (position, pair) in float64 on the host: f32 angles
	// of large positions are imprecise on GPUs.
	half := d / 2
	cs := make([]float32, 2*l*half)
	for p := 0; p < l; p++ {
		for i := 0; i < half; i++ {
			ang := float64(pos0+p) * math.Pow(float64(base), -2*float64(i)/float64(d))
			cs[2*(p*half+i)] = float32(math.Cos(ang))
			cs[2*(p*half+i)+1] = float32(math.Sin(ang))
		}
	}
	tab, err := b.alloc("rope.cos_sin", uint64(4*len(cs)), false)
	if err == nil {
		err = b.queue.WriteBuffer(tab, 0, f32Bytes(cs))
	}
	if err != nil {
		b.fail(fmt.Errorf("webgpu: rope: %w", err))
		return out
	}
	pairs := t.n / 2
	b.run1D("rope", pairs, []uint32{uint32(pairs), uint32(l), uint32(nHeads), uint32(half)}, t.buf, tab, out.buf)
	b.release(tab)
	return out
}
