package weights

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"testing"

	"github.com/genplay/genplay/weights/quant"
)

// sampleFile has metadata of every value type, nested arrays included, and
// one tensor of every supported dtype.
func sampleFile(t testing.TB, align uint32) *File {
	t.Helper()
	f := &File{Version: 3}
	set := func(k string, v any) {
		if err := f.Metadata.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	set(KeyArchitecture, "testarch")
	if align != 0 {
		set(KeyAlignment, align)
	}
	set("t.u8", uint8(200))
	set("t.i8", int8(-100))
	set("t.u16", uint16(60000))
	set("t.i16", int16(-30000))
	set("t.u32", uint32(4000000000))
	set("t.i32", int32(-2000000000))
	set("t.f32", float32(3.25))
	set("t.bool", true)
	set("t.str", "héllo, GGUF")
	set("t.u64", uint64(1)<<63+5)
	set("t.i64", int64(-1)<<62)
	set("t.f64", math.Pi)
	set("t.empty", "")
	set("a.u8", []uint8{1, 2, 3})
	set("a.i8", []int8{-1, 0, 1})
	set("a.u16", []uint16{65535})
	set("a.i16", []int16{-2, 2})
	set("a.u32", []uint32{7, 8})
	set("a.i32", []int32{-7})
	set("a.f32", []float32{0.5, -1.5})
	set("a.bool", []bool{true, false, true})
	set("a.str", []string{"a", "", "ccc"})
	set("a.u64", []uint64{1 << 40})
	set("a.i64", []int64{-(1 << 40)})
	set("a.f64", []float64{1e-300})
	set("a.empty", []string{})
	inner1, _ := ValueOf([]int32{1, 2})
	inner2, _ := ValueOf([]string{"x"})
	set("a.nested", []Value{inner1, inner2})

	rng := rand.New(rand.NewSource(1))
	add := func(name string, dt quant.DType, shape ...int64) {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		raw, err := quant.Quantize(dt, x)
		if err != nil {
			t.Fatal(err)
		}
		f.Tensors = append(f.Tensors, TensorInfo{Name: name, Shape: shape, DType: dt, Data: raw})
	}
	add("w.f32", quant.F32, 2, 3)
	add("w.f16", quant.F16, 5)
	add("w.bf16", quant.BF16, 2, 1, 3)
	add("w.q8", quant.Q8_0, 3, 64)
	add("w.q4", quant.Q4_0, 2, 2, 1, 32)
	return f
}

func encode(t testing.TB, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gb builds GGUF bytes by hand, for inputs the writer refuses to produce.
type gb struct{ bytes.Buffer }

func (b *gb) u8(v uint8)   { b.WriteByte(v) }
func (b *gb) u32(v uint32) { binary.Write(b, binary.LittleEndian, v) }
func (b *gb) u64(v uint64) { binary.Write(b, binary.LittleEndian, v) }
func (b *gb) str(s string) { b.u64(uint64(len(s))); b.WriteString(s) }

// header writes magic, version 3 and the two counts.
func (b *gb) header(nTensors, nKV uint64) *gb {
	b.WriteString("GGUF")
	b.u32(3)
	b.u64(nTensors)
	b.u64(nKV)
	return b
}

// tensor writes one tensor info; dims are in GGUF (fastest-first) order.
func (b *gb) tensor(name string, dt uint32, off uint64, dims ...uint64) {
	b.str(name)
	b.u32(uint32(len(dims)))
	for _, d := range dims {
		b.u64(d)
	}
	b.u32(dt)
	b.u64(off)
}

// padTo pads with zeros to a multiple of align.
func (b *gb) padTo(align int) {
	for b.Len()%align != 0 {
		b.WriteByte(0)
	}
}
