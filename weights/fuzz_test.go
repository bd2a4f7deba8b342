package weights

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genplay/genplay/weights/quant"
	"github.com/klauspost/compress/zstd"
)

// Seeds live in testdata/fuzz/<FuzzName>/ in Go's corpus format; regenerate
// them with: go test -run TestFuzzSeeds ./weights/ -update-seeds
var updateSeeds = flag.Bool("update-seeds", false, "rewrite the committed fuzz seed corpora")

// FuzzGGUF: any input parses or fails cleanly; what parses survives a
// write/read round trip unchanged.
func FuzzGGUF(f *testing.F) {
	f.Add(smallGGUF(f))
	f.Fuzz(func(t *testing.T, in []byte) {
		file, err := Read(bytes.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, file); err != nil {
			t.Fatalf("parsed file does not write back: %v", err)
		}
		again, err := Read(&buf)
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
		assertSameFile(t, again, file)
	})
}

// FuzzGGUFZstd: raw zstd input must fail cleanly; anything else is
// compressed first, and the zstd path must agree with the plain path.
func FuzzGGUFZstd(f *testing.F) {
	f.Add(smallGGUF(f))
	f.Add(compress(f, smallGGUF(f)))
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.HasPrefix(in, zstdMagic) {
			Read(bytes.NewReader(in))
			return
		}
		if len(in) == 0 {
			return // plain says "empty input", zstd holds an empty frame: both fail
		}
		plain, perr := Read(bytes.NewReader(in))
		viaZstd, zerr := Read(bytes.NewReader(enc.EncodeAll(in, nil)))
		if (perr == nil) != (zerr == nil) {
			t.Fatalf("plain error %v, zstd error %v", perr, zerr)
		}
		if perr != nil {
			// Same failure, except that a size-checked plain read may stop earlier.
			if !strings.Contains(zerr.Error(), strings.TrimPrefix(perr.Error(), "gguf: ")) && !strings.Contains(perr.Error(), "beyond the end") {
				t.Fatalf("plain error %q, zstd error %q", perr, zerr)
			}
			return
		}
		assertSameFile(t, viaZstd, plain)
	})
}

// FuzzSafetensors: any input parses or fails cleanly; what parses writes
// back and reads the same.
func FuzzSafetensors(f *testing.F) {
	f.Add(smallSafetensors(f))
	f.Fuzz(func(t *testing.T, in []byte) {
		st, err := ReadSafetensors(bytes.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteSafetensors(&buf, st); err != nil {
			t.Fatalf("parsed file does not write back: %v", err)
		}
		again, err := ReadSafetensors(&buf)
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
		if len(again.Tensors) != len(st.Tensors) {
			t.Fatalf("%d tensors, then %d", len(st.Tensors), len(again.Tensors))
		}
		for i := range st.Tensors {
			a, b := st.Tensors[i], again.Tensors[i]
			if a.Name != b.Name || len(a.Data) != len(b.Data) || a.DType != b.DType {
				t.Fatalf("tensor %d: %s %v %d, then %s %v %d", i, a.Name, a.DType, len(a.Data), b.Name, b.DType, len(b.Data))
			}
		}
	})
}

func smallGGUF(t testing.TB) []byte {
	f := &File{}
	f.Metadata.Set(KeyArchitecture, "tiny")
	f.Metadata.Set("tiny.n", uint32(2))
	f.Metadata.Set("tiny.tokens", []string{"a", "b"})
	inner, _ := ValueOf([]int8{1, -1})
	f.Metadata.Set("tiny.nested", []Value{inner})
	q8, _ := quant.Quantize(quant.Q8_0, make([]float32, 32))
	q4, _ := quant.Quantize(quant.Q4_0, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32})
	f.Tensors = []TensorInfo{
		{Name: "a", Shape: []int64{2}, DType: quant.F32, Data: make([]byte, 8)},
		{Name: "h", Shape: []int64{1, 2}, DType: quant.F16, Data: []byte{0, 0x3c, 0, 0xc0}},
		{Name: "b", Shape: []int64{1}, DType: quant.BF16, Data: []byte{0x80, 0x3f}},
		{Name: "q8", Shape: []int64{1, 32}, DType: quant.Q8_0, Data: q8},
		{Name: "q4", Shape: []int64{32}, DType: quant.Q4_0, Data: q4},
	}
	return encode(t, f)
}

func smallSafetensors(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, sampleSafetensors()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func compress(t testing.TB, in []byte) []byte {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeAll(in, nil)
}

// corruptions returns damaged variants of a valid file: truncations,
// flipped bytes in the header and a count or length set huge.
func corruptions(in []byte) map[string][]byte {
	out := map[string][]byte{}
	for _, n := range []int{0, 4, 12, len(in) / 3, len(in) / 2, len(in) - 1} {
		if n <= len(in) {
			out[fmt.Sprintf("truncated-%d", n)] = in[:n]
		}
	}
	for _, at := range []int{8, 16, 24, 40, 60, 90} {
		if at+8 <= len(in) {
			b := append([]byte(nil), in...)
			copy(b[at:], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
			out[fmt.Sprintf("huge-at-%d", at)] = b
			c := append([]byte(nil), in...)
			c[at] ^= 0x41
			out[fmt.Sprintf("flip-at-%d", at)] = c
		}
	}
	return out
}

// TestFuzzSeeds checks that the committed seed corpora exist (and rewrites
// them with -update-seeds), and runs every seed through its parser.
func TestFuzzSeeds(t *testing.T) {
	gguf, st := smallGGUF(t), smallSafetensors(t)
	corpora := map[string]map[string][]byte{
		"FuzzGGUF":        {"valid": gguf},
		"FuzzSafetensors": {"valid": st},
		"FuzzGGUFZstd":    {"valid-plain": gguf, "valid-zstd": compress(t, gguf)},
	}
	for name, b := range corruptions(gguf) {
		corpora["FuzzGGUF"][name] = b
	}
	for name, b := range corruptions(st) {
		corpora["FuzzSafetensors"][name] = b
	}
	z := compress(t, gguf)
	for name, b := range corruptions(z) {
		if bytes.HasPrefix(b, zstdMagic) {
			corpora["FuzzGGUFZstd"]["zstd-"+name] = b
		}
	}
	for fuzz, seeds := range corpora {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		if *updateSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, b := range seeds {
				body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name := range seeds {
			if _, err := os.Stat(filepath.Join(dir, name)); errors.Is(err, os.ErrNotExist) {
				t.Errorf("seed %s/%s missing; run with -update-seeds", fuzz, name)
			}
		}
	}
	// The valid seeds parse; damage to the counts, the first key's length
	// or the body fails (other flips may land in a string and still parse).
	if _, err := Read(bytes.NewReader(z)); err != nil {
		t.Errorf("valid zstd seed: %v", err)
	}
	mustFail := []string{"truncated-0", "truncated-4", "truncated-12", fmt.Sprintf("truncated-%d", len(gguf)/2), "huge-at-8", "huge-at-16", "huge-at-24"}
	for _, name := range append(mustFail, "valid") {
		_, err := Read(bytes.NewReader(corpora["FuzzGGUF"][name]))
		if (name == "valid") != (err == nil) {
			t.Errorf("FuzzGGUF seed %s: err = %v", name, err)
		}
	}
}
