package weights

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/genplay/genplay/weights/quant"
	"github.com/klauspost/compress/zstd"
)

// kvFile builds a file with no tensors and one metadata entry whose type
// and payload come from body.
func kvFile(key string, typ uint32, body func(b *gb)) []byte {
	var b gb
	b.header(0, 1)
	b.str(key)
	b.u32(typ)
	body(&b)
	return b.Bytes()
}

// tensorFile builds a file whose tensor infos come from infos, followed by
// padding and dataLen bytes of tensor data.
func tensorFile(n uint64, infos func(b *gb), dataLen int) []byte {
	var b gb
	b.header(n, 0)
	infos(&b)
	b.padTo(32)
	b.Write(make([]byte, dataLen))
	return b.Bytes()
}

func TestGGUFBadInput(t *testing.T) {
	f32 := uint32(quant.F32)
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "empty input"},
		{"magic", []byte("GGML\x03\x00\x00\x00"), `not a GGUF file: magic "GGML"`},
		{"version 1", []byte("GGUF\x01\x00\x00\x00"), "unsupported GGUF version 1"},
		{"version 4", []byte("GGUF\x04\x00\x00\x00"), "unsupported GGUF version 4"},
		{"big-endian", []byte("GGUF\x00\x00\x00\x03"), "big-endian"},
		{"short header", []byte("GGUF\x03\x00\x00\x00\x01\x00"), "truncated at byte 10 while reading tensor count"},
		{"tensor count", new(gb).header(math.MaxUint64, 0).Bytes(), "claims 18446744073709551615 tensors (limit 65536)"},
		{"kv count", new(gb).header(0, 1<<40).Bytes(), "claims 1099511627776 metadata entries"},
		{"string length", kvFile("k", uint32(TypeString), func(b *gb) { b.u64(1 << 62) }), "claims 4611686018427387904 bytes"},
		{"key length", append(new(gb).header(0, 1).Bytes(), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "metadata key at byte 24 claims"},
		{"string truncated", kvFile("k", uint32(TypeString), func(b *gb) { b.u64(10); b.WriteString("abc") }), "truncated at byte 48 while reading k"},
		{"array length", kvFile("k", uint32(TypeArray), func(b *gb) { b.u32(uint32(TypeUint8)); b.u64(1 << 40) }), "array claims 1099511627776 elements"},
		{"array truncated", kvFile("k", uint32(TypeArray), func(b *gb) { b.u32(uint32(TypeUint32)); b.u64(1000); b.u32(5) }), "truncated"},
		{"array elem type", kvFile("k", uint32(TypeArray), func(b *gb) { b.u32(77); b.u64(1) }), "array of unknown value type 77"},
		{"value type", kvFile("k", 13, func(b *gb) {}), `"k" has unknown value type 13`},
		{"bool", kvFile("k", uint32(TypeBool), func(b *gb) { b.u8(2) }), "bool byte is 2"},
		{"nesting", kvFile("k", uint32(TypeArray), func(b *gb) {
			for i := 0; i < 5; i++ {
				b.u32(uint32(TypeArray))
				b.u64(1)
			}
		}), "nested deeper than 4"},
		{"alignment type", kvFile(KeyAlignment, uint32(TypeUint64), func(b *gb) { b.u64(32) }), "general.alignment must be a uint32 power of two"},
		{"alignment value", kvFile(KeyAlignment, uint32(TypeUint32), func(b *gb) { b.u32(24) }), "power of two"},
		{"dup key", func() []byte {
			var b gb
			b.header(0, 2)
			for i := 0; i < 2; i++ {
				b.str("k")
				b.u32(uint32(TypeUint8))
				b.u8(1)
			}
			return b.Bytes()
		}(), `duplicate metadata key "k"`},
		{"n_dims", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 1, 1, 1, 1, 1) }, 4), `tensor "w" has 5 dimensions`},
		{"zero dims", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0) }, 4), `tensor "w" has 0 dimensions`},
		{"dim zero", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 0) }, 4), "dimension 0 out of range"},
		{"dim huge", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 1<<63) }, 4), "dimension 0 is 9223372036854775808"},
		{"dims product", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 1<<20, 1<<20) }, 4), "more than 68719476736 elements"},
		{"bytes", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 1<<30, 1<<5) }, 4), "needs 137438953472 bytes"},
		{"dtype k-quant", tensorFile(1, func(b *gb) { b.tensor("blk.0.w", 12, 0, 256) }, 144), `tensor "blk.0.w" has type Q4_K (ggml type 12); genplay supports F32, F16, BF16, Q8_0, Q4_0`},
		{"dtype unknown", tensorFile(1, func(b *gb) { b.tensor("w", 99, 0, 4) }, 4), "type dtype(99) (ggml type 99)"},
		{"q8 row", tensorFile(1, func(b *gb) { b.tensor("w", uint32(quant.Q8_0), 0, 33) }, 64), "multiple of 32, got 33"},
		{"misaligned", tensorFile(1, func(b *gb) { b.tensor("w", f32, 4, 1) }, 64), "offset 4 is not a multiple of the alignment 32"},
		{"dup tensor", tensorFile(2, func(b *gb) { b.tensor("w", f32, 0, 1); b.tensor("w", f32, 32, 1) }, 64), `duplicate tensor name "w"`},
		{"overlap", tensorFile(2, func(b *gb) { b.tensor("a", f32, 0, 16); b.tensor("b", f32, 32, 16) }, 128), `tensor "b" data [32, 96) overlaps tensor "a" ending at 64`},
		{"short data", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 2, 8) }, 40), "truncated at byte 136 while reading data of tensor w (tensor F32 [8 2] needs 64 bytes)"},
		{"no data", tensorFile(1, func(b *gb) { b.tensor("w", f32, 0, 8) }, 0), "truncated at byte 64 while reading data of tensor w"},
		{"offset far", tensorFile(1, func(b *gb) { b.tensor("w", f32, 1<<40, 8) }, 0), "truncated"},
	}
	for _, c := range cases {
		_, err := Read(bytes.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n want it to contain %q", c.name, err, c.want)
		}
	}
}

// With the size known, out-of-range data is rejected before reading it.
func TestGGUFOffsetBeyondEnd(t *testing.T) {
	in := tensorFile(1, func(b *gb) { b.tensor("w", uint32(quant.F32), 64, 8) }, 40)
	_, err := Read(bytes.NewReader(in), WithSize(int64(len(in))))
	if err == nil || !strings.Contains(err.Error(), `tensor "w" data [64, 96) lies beyond the end of the file (40 bytes of tensor data)`) {
		t.Errorf("err = %v", err)
	}
}

// Every prefix of a valid file is an error, never a panic or a success.
func TestGGUFTruncatedPrefixes(t *testing.T) {
	raw := encode(t, sampleFile(t, 0))
	last := len(raw) - 1
	for len(raw) > 0 && raw[last] == 0 { // trailing padding may be cut and still parse
		last--
	}
	for n := 0; n <= last; n++ {
		if _, err := Read(bytes.NewReader(raw[:n])); err == nil {
			t.Fatalf("prefix of %d/%d bytes parsed without error", n, len(raw))
		}
	}
}

// A header claiming a huge tensor in a short stream must not allocate it.
func TestGGUFClaimDoesNotAllocate(t *testing.T) {
	in := tensorFile(1, func(b *gb) { b.tensor("w", uint32(quant.F32), 0, 1<<16, 1<<15) }, 100) // claims 8 GiB
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(in))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("reading a 8 GiB claim from %d bytes allocated %d bytes", len(in), got)
	}
}

func TestZstdBadInput(t *testing.T) {
	raw := encode(t, sampleFile(t, 0))
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	z := enc.EncodeAll(raw, nil)

	corrupt := append([]byte(nil), z...)
	for i := len(corrupt) / 2; i < len(corrupt)/2+16; i++ {
		corrupt[i] ^= 0x5a
	}
	// A frame header asking for a 2 GiB window: descriptor 0x00 (not single
	// segment), Window_Descriptor 0xa8 = exponent 21, so 2^(10+21) bytes.
	bigWindow := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x01, 0x00, 0x00}
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated", z[:len(z)/2], "zstd stream"},
		{"corrupt", corrupt, "zstd stream"},
		{"window", bigWindow, "window"},
		{"magic only", zstdMagic, "zstd stream"},
	}
	for _, c := range cases {
		_, err := Read(bytes.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	// Wrapping must not change what a bad GGUF says.
	bad := kvFile("k", 13, func(b *gb) {})
	_, err := Read(bytes.NewReader(enc.EncodeAll(bad, nil)))
	if err == nil || !strings.Contains(err.Error(), "unknown value type 13") || !strings.Contains(err.Error(), "zstd") {
		t.Errorf("bad GGUF in zstd: %v", err)
	}
}
