//go:build js

package webgpu

// The ops of a decoder's token sequence: attention, the token embedding
// and RoPE (with its cos/sin table kept across calls).

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/kernels/wgsl"
	"github.com/genplay/genplay/weights/quant"
)

// maxHeadDim is the largest head size attention.wgsl handles (4 dims per
// invocation, 64 invocations).
const maxHeadDim = 256

// maxTiledHeadDim is the largest head size attention_tiled.wgsl handles
// (its Q, K and V tiles fit WebGPU's default 16 KiB of workgroup memory);
// it also needs D % 4 == 0. Other head sizes use attention.wgsl.
const maxTiledHeadDim = 64

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
	c := uint32(0)
	if causal {
		c = 1
	}
	scale := f32w(float32(1 / math.Sqrt(float64(d))))
	// QK^T and PV: 2 multiply-adds per (query, key, dim), causal or not
	// (the estimate ignores the masked half).
	flops := 4 * float64(bs) * float64(nHeads) * float64(lq) * float64(lkv) * float64(d)
	if b.software {
		rows := bs * nHeads * lq
		words := []uint32{uint32(rows), uint32(lq), uint32(lkv), uint32(nHeads), uint32(nKVHeads), uint32(d), c, scale}
		b.costNext("attention", flops)
		// 64 rows a workgroup: a decode step's few rows (one per head)
		// still spread over SwiftShader's threads as prefill's many do.
		x, y := b.grid((rows + 63) / 64)
		defs := wgsl.Defs{"T": "f32", "W": "1"}
		if d%4 == 0 {
			defs = wgsl.Defs{"T": "vec4f", "W": "4", "VEC": "1"}
		}
		b.run(b.variant("attention_serial", defs), words, x, y, 1, tq.buf, tk.buf, tv.buf, out.buf)
		return out
	}
	if d%4 == 0 && d <= maxTiledHeadDim {
		qblocks := (lq + 15) / 16
		groups := bs * nHeads * qblocks
		x, y := b.grid(groups)
		words := []uint32{uint32(groups), uint32(lq), uint32(lkv), uint32(nHeads), uint32(nKVHeads), uint32(qblocks), c, scale}
		b.costNext("attention", flops)
		defs := wgsl.Defs{"D": strconv.Itoa(d)}
		if b.subgroups {
			defs["SUBGROUPS"] = "1"
		}
		b.run(b.variant("attention_tiled", defs), words, x, y, 1, tq.buf, tk.buf, tv.buf, out.buf)
		return out
	}
	rows := bs * nHeads * lq
	words := []uint32{uint32(rows), uint32(lq), uint32(lkv), uint32(nHeads), uint32(nKVHeads), uint32(d), c, scale}
	b.costNext("attention", flops)
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
	idt, err := b.allocHost("embedding.ids", uint64(4*len(u)))
	if err == nil {
		err = b.queue.WriteBuffer(idt, 0, u32Bytes(u))
	}
	if err != nil {
		b.fail(fmt.Errorf("webgpu: embedding: %w", err))
		return out
	}
	words := []uint32{uint32(out.n), uint32(d)}
	b.bytesNext(8 * float64(out.n)) // the rows read (as f32, roughly) and written
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
	tab, err := b.ropeTable(d, pos0+l, base)
	if err != nil {
		b.fail(fmt.Errorf("webgpu: rope: %w", err))
		return out
	}
	pairs := t.n / 2
	b.run1D("rope", pairs, []uint32{uint32(pairs), uint32(l), uint32(nHeads), uint32(d / 2), uint32(pos0)}, t.buf, tab, out.buf)
	return out
}

// ropeKey names a RoPE table: the head size and the base.
type ropeKey struct {
	d    int
	base float32
}

// ropeTable returns cos and sin per (position, pair), [positions, D/2, 2],
// for positions 0.. at least up to positions (rope.wgsl and
// split_qkv.wgsl index it from their pos0). It is computed in float64 on
// the host (f32 angles of large positions are imprecise on GPUs) and kept:
// a decode step reuses it, and it is remade twice as long when a position
// outgrows it, never rewritten in place (recorded work may still read it).
func (b *Backend) ropeTable(d, positions int, base float32) (*wgpu.Buffer, error) {
	key := ropeKey{d, base}
	if t, ok := b.ropeTabs[key]; ok && t.positions >= positions {
		return t.buf, nil
	}
	n := max(positions, 256)
	if t, ok := b.ropeTabs[key]; ok {
		n = max(n, 2*t.positions)
	}
	half := d / 2
	cs := make([]float32, 2*n*half)
	for p := 0; p < n; p++ {
		for i := 0; i < half; i++ {
			ang := float64(p) * math.Pow(float64(base), -2*float64(i)/float64(d))
			cs[2*(p*half+i)] = float32(math.Cos(ang))
			cs[2*(p*half+i)+1] = float32(math.Sin(ang))
		}
	}
	buf, err := b.alloc("rope.cos_sin", uint64(4*len(cs)), false)
	if err == nil {
		err = b.queue.WriteBuffer(buf, 0, f32Bytes(cs))
	}
	if err != nil {
		return nil, err
	}
	if t, ok := b.ropeTabs[key]; ok {
		b.release(t.buf)
	}
	if b.ropeTabs == nil {
		b.ropeTabs = map[ropeKey]ropeTab{}
	}
	b.ropeTabs[key] = ropeTab{buf, n}
	return buf, nil
}

type ropeTab struct {
	buf       *wgpu.Buffer
	positions int
}
