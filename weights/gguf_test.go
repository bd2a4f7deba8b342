package weights

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/genplay/genplay/weights/quant"
)

func assertSameFile(t *testing.T, got, want *File) {
	t.Helper()
	if !reflect.DeepEqual(got.Metadata.Keys(), want.Metadata.Keys()) {
		t.Fatalf("keys %v, want %v", got.Metadata.Keys(), want.Metadata.Keys())
	}
	for _, k := range want.Metadata.Keys() {
		g, _ := got.Metadata.Get(k)
		w, _ := want.Metadata.Get(k)
		// %#v as a fallback makes NaN equal to NaN.
		if !reflect.DeepEqual(g, w) && fmt.Sprintf("%#v", g) != fmt.Sprintf("%#v", w) {
			t.Errorf("metadata %q = %#v, want %#v", k, g, w)
		}
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for i := range want.Tensors {
		g, w := got.Tensors[i], want.Tensors[i]
		if g.Name != w.Name || g.DType != w.DType || !reflect.DeepEqual(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("tensor %d = %s %v %v (%d bytes), want %s %v %v (%d bytes)",
				i, g.Name, g.DType, g.Shape, len(g.Data), w.Name, w.DType, w.Shape, len(w.Data))
		}
	}
}

func TestGGUFRoundTrip(t *testing.T) {
	for _, align := range []uint32{0, 64} {
		want := sampleFile(t, align)
		raw := encode(t, want)
		// Every tensor's data must start at an aligned offset; the random
		// data is unique, so its position in the file finds it.
		a := want.Alignment()
		if align == 0 && a != 32 || align == 64 && a != 64 {
			t.Fatalf("Alignment() = %d for general.alignment %d", a, align)
		}
		for _, tn := range want.Tensors {
			if at := bytes.Index(raw, tn.Data); at < 0 || at%a != 0 {
				t.Errorf("align %d: tensor %s data at byte %d", a, tn.Name, at)
			}
		}
		// Unseekable, dribbling readers exercise the streaming path.
		for name, r := range map[string]func() *File{
			"whole":    func() *File { return mustRead(t, bytes.NewReader(raw)) },
			"one-byte": func() *File { return mustRead(t, iotest.OneByteReader(bytes.NewReader(raw))) },
			"half":     func() *File { return mustRead(t, iotest.HalfReader(bytes.NewReader(raw))) },
		} {
			got := r()
			if got.Version != 3 || got.Architecture() != "testarch" {
				t.Errorf("%s: version %d, arch %q", name, got.Version, got.Architecture())
			}
			assertSameFile(t, got, want)
		}
	}
}

func mustRead(t *testing.T, r interface{ Read([]byte) (int, error) }, opts ...Option) *File {
	t.Helper()
	f, err := Read(r, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The file stores dims fastest-first; Shape is slowest-first.
func TestGGUFShapeOrder(t *testing.T) {
	var b gb
	b.header(1, 0)
	b.tensor("w", uint32(quant.F32), 0, 3, 2) // ne = [3, 2]: 2 rows of 3
	b.padTo(32)
	for i := 0; i < 6; i++ {
		b.u32(0x3f800000) // 1.0
	}
	f := mustRead(t, bytes.NewReader(b.Bytes())) // no padding after the last tensor: accepted
	w, err := f.Tensor("w")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w.Shape, []int64{2, 3}) {
		t.Fatalf("Shape = %v, want [2 3]", w.Shape)
	}
	// The writer reverses back; like ggml it also pads the last tensor.
	b.padTo(32)
	if got := encode(t, f); !bytes.Equal(got, b.Bytes()) {
		t.Errorf("rewrite differs:\n got % x\nwant % x", got, b.Bytes())
	}
	x, err := w.Float32()
	if err != nil || len(x) != 6 || x[5] != 1 {
		t.Errorf("Float32() = %v, %v", x, err)
	}
	if _, err := f.Tensor("nope"); err == nil || !strings.Contains(err.Error(), `"nope" not found`) {
		t.Errorf("missing tensor: %v", err)
	}
}

func TestGGUFZstdFile(t *testing.T) {
	dir := t.TempDir()
	want := sampleFile(t, 0)
	path := filepath.Join(dir, "m.gguf.zst")
	if err := WriteFile(path, want); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, zstdMagic) {
		t.Fatalf("%s does not start with the zstd magic: % x", path, raw[:4])
	}
	sum := sha256.Sum256(raw)
	var last, total int64 = -1, 0
	calls := 0
	got, err := OpenFile(path, WithSHA256(strings.ToUpper(hex.EncodeToString(sum[:]))),
		WithProgress(func(done, tot int64) { last, total = done, tot; calls++ }))
	if err != nil {
		t.Fatal(err)
	}
	assertSameFile(t, got, want)
	if calls == 0 || last != int64(len(raw)) || total != int64(len(raw)) {
		t.Errorf("progress: %d calls, last (%d, %d), want done = total = %d", calls, last, total, len(raw))
	}
	// Streaming from a reader of unknown size reports total -1.
	mustRead(t, iotest.HalfReader(bytes.NewReader(raw)), WithProgress(func(done, tot int64) { total = tot }))
	if total != -1 {
		t.Errorf("unknown size: total %d, want -1", total)
	}

	plain := filepath.Join(dir, "m.gguf")
	if err := WriteFile(plain, want); err != nil {
		t.Fatal(err)
	}
	praw, _ := os.ReadFile(plain)
	if !bytes.HasPrefix(praw, []byte("GGUF")) || !bytes.Equal(praw, encode(t, want)) {
		t.Error("WriteFile without .zst must write plain GGUF, same as Write")
	}
	if _, err := os.Stat(plain + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Error("temporary file left behind")
	}
}

func TestChecksumMismatch(t *testing.T) {
	raw := encode(t, sampleFile(t, 0))
	wrong := strings.Repeat("ab", 32)
	sum := sha256.Sum256(raw)
	_, err := Read(bytes.NewReader(raw), WithSHA256(wrong))
	var ce *ChecksumError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ChecksumError", err)
	}
	msg := err.Error()
	for _, want := range []string{wrong, hex.EncodeToString(sum[:]), "re-download"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	// A corrupt download reports the checksum, not only the parse error.
	bad := append([]byte(nil), raw[:len(raw)/2]...)
	_, err = Read(bytes.NewReader(bad), WithSHA256(hex.EncodeToString(sum[:])))
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated with hash: %v", err)
	}
	if _, err := Read(bytes.NewReader(raw), WithSHA256("xyz")); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Errorf("malformed hash: %v", err)
	}
}

func TestMetadataGetters(t *testing.T) {
	f := sampleFile(t, 0)
	m := &f.Metadata
	if s, err := m.GetString("t.str"); err != nil || s != "héllo, GGUF" {
		t.Errorf("GetString = %q, %v", s, err)
	}
	if u, err := m.GetUint("t.u32"); err != nil || u != 4000000000 {
		t.Errorf("GetUint(u32) = %d, %v", u, err)
	}
	if u, err := m.GetUint("t.u8"); err != nil || u != 200 {
		t.Errorf("GetUint(u8) = %d, %v", u, err)
	}
	if _, err := m.GetUint("t.i8"); err == nil || !strings.Contains(err.Error(), "non-negative") {
		t.Errorf("GetUint(negative) = %v", err)
	}
	if i, err := m.GetInt("t.i64"); err != nil || i != -(1<<62) {
		t.Errorf("GetInt = %d, %v", i, err)
	}
	if _, err := m.GetInt("t.u64"); err == nil {
		t.Error("GetInt of 2^63+5 must fail")
	}
	if v, err := m.GetFloat("t.f32"); err != nil || v != 3.25 {
		t.Errorf("GetFloat = %g, %v", v, err)
	}
	if v, err := m.GetFloat("t.i16"); err != nil || v != -30000 {
		t.Errorf("GetFloat(int) = %g, %v", v, err)
	}
	if b, err := m.GetBool("t.bool"); err != nil || !b {
		t.Errorf("GetBool = %v, %v", b, err)
	}
	if s, err := m.GetStrings("a.str"); err != nil || !reflect.DeepEqual(s, []string{"a", "", "ccc"}) {
		t.Errorf("GetStrings = %q, %v", s, err)
	}
	if s, err := m.GetInts("a.u16"); err != nil || !reflect.DeepEqual(s, []int64{65535}) {
		t.Errorf("GetInts = %v, %v", s, err)
	}
	if s, err := m.GetFloats("a.f32"); err != nil || !reflect.DeepEqual(s, []float32{0.5, -1.5}) {
		t.Errorf("GetFloats = %v, %v", s, err)
	}
	if _, err := m.GetString("missing"); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := m.GetString("t.u8"); err == nil || !strings.Contains(err.Error(), `"t.u8" is uint8, want string`) {
		t.Errorf("wrong type: %v", err)
	}
	if _, err := m.GetStrings("a.u8"); err == nil || !strings.Contains(err.Error(), "array of uint8") {
		t.Errorf("wrong array type: %v", err)
	}
	if err := m.Set("bad", struct{}{}); err == nil {
		t.Error("Set(struct{}) must fail")
	}
	// Set keeps a key's position; Delete removes it.
	keys := m.Keys()
	m.Set(keys[0], "other")
	m.Delete(keys[1])
	if got := m.Keys(); got[0] != keys[0] || len(got) != len(keys)-1 || got[1] != keys[2] {
		t.Errorf("keys after Set/Delete: %v", got[:3])
	}
	if v, _ := m.Get("a.nested"); v.Len() != 2 {
		t.Errorf("nested array Len = %d", v.Len())
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(f *File)
		want   string
	}{
		{"short data", func(f *File) { f.Tensors[0].Data = f.Tensors[0].Data[:3] }, "has 3 bytes of data, want 24"},
		{"dup name", func(f *File) { f.Tensors[1].Name = f.Tensors[0].Name }, "duplicate tensor name"},
		{"bad dtype", func(f *File) { f.Tensors[0].DType = quant.DType(12) }, "unsupported tensor type dtype(12)"},
		{"five dims", func(f *File) { f.Tensors[0].Shape = []int64{1, 1, 1, 2, 3} }, "5 dimensions"},
		{"q8 row", func(f *File) { f.Tensors[3].Shape = []int64{6, 32 + 0}; f.Tensors[3].Shape = []int64{4, 48} }, "multiple of 32"},
		{"alignment", func(f *File) { f.Metadata.Set(KeyAlignment, uint32(48)) }, "power of two"},
		{"mistyped value", func(f *File) { f.Metadata.SetValue("x", Value{Type: TypeString, V: 5}) }, "does not match"},
	}
	for _, c := range cases {
		f := sampleFile(t, 0)
		c.modify(f)
		err := Write(&bytes.Buffer{}, f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}
