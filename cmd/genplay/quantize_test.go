package main

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

func writeTestSafetensors(t *testing.T, path string) {
	t.Helper()
	rng := rand.New(rand.NewSource(5))
	randn := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	st := &weights.Safetensors{
		Metadata: map[string]string{"general.architecture": "tiny", "tiny.note": "hello"},
		Tensors: []weights.SafeTensor{
			{Name: "proj.weight", DType: quant.F32, Shape: []int64{4, 64}, Data: randn(256)},
			{Name: "proj.bias", DType: quant.F32, Shape: []int64{4}, Data: randn(4)},
			{Name: "odd.weight", DType: quant.F16, Shape: []int64{3, 10}, Data: make([]float32, 30)},
			{Name: "conv.weight", DType: quant.BF16, Shape: []int64{2, 1, 3, 32}, Data: make([]float32, 192)},
		},
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := weights.WriteSafetensors(fh, st); err != nil {
		t.Fatal(err)
	}
}

func TestQuantizeAndInfo(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "m.safetensors")
	writeTestSafetensors(t, in)
	out := filepath.Join(dir, "m.gguf.zst")

	var log bytes.Buffer
	o := quantizeOptions{in: in, out: out, dtype: quant.Q4_0, meta: []string{"tiny.n_layer:u32=2", "tiny.name=x=y"}}
	if err := quantize(&log, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"proj.weight", "Q4_0", "kept F32: 1-D", "kept F32: row 10 not a multiple of 32", "4 tensors, 482 parameters", "wrote " + out} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("quantize output lacks %q:\n%s", want, log.String())
		}
	}
	f, err := weights.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Architecture() != "tiny" {
		t.Errorf("architecture %q", f.Architecture())
	}
	if n, err := f.Metadata.GetUint("tiny.n_layer"); err != nil || n != 2 {
		t.Errorf("tiny.n_layer = %d, %v", n, err)
	}
	if s, _ := f.Metadata.GetString("tiny.name"); s != "x=y" {
		t.Errorf("tiny.name = %q", s)
	}
	if s, _ := f.Metadata.GetString("tiny.note"); s != "hello" {
		t.Errorf("tiny.note = %q", s)
	}
	wantTypes := map[string]quant.DType{"proj.weight": quant.Q4_0, "proj.bias": quant.F32, "odd.weight": quant.F32, "conv.weight": quant.Q4_0}
	for name, dt := range wantTypes {
		ti, err := f.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		if ti.DType != dt {
			t.Errorf("%s stored as %v, want %v", name, ti.DType, dt)
		}
	}

	var shown bytes.Buffer
	if err := info(&shown, out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GGUF in zstd", "architecture: tiny", "alignment:    32", "tiny.n_layer", "uint32", "conv.weight", "[2 1 3 32]", "total: 4 tensors, 482 parameters"} {
		if !strings.Contains(shown.String(), want) {
			t.Errorf("info output lacks %q:\n%s", want, shown.String())
		}
	}
}

func TestQuantizeArgs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "m.safetensors")
	writeTestSafetensors(t, in)
	out := filepath.Join(dir, "m.gguf")
	// Flags after the positionals, --arch overriding the file's metadata.
	if err := runQuantize([]string{in, out, "--type", "f16", "--arch=other", "--meta", "k=v"}); err != nil {
		t.Fatal(err)
	}
	f, err := weights.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Architecture() != "other" {
		t.Errorf("architecture %q, want other", f.Architecture())
	}
	if w, _ := f.Tensor("odd.weight"); w.DType != quant.F16 {
		t.Errorf("f16 keeps only 1-D tensors F32; odd.weight is %v", w.DType)
	}
	for _, args := range [][]string{{in}, {in, out, "--type", "q5_k"}, {in, out, "--meta", "novalue"}, {in, out, "--meta", "k:u8=300"}} {
		if err := runQuantize(args); err == nil {
			t.Errorf("runQuantize(%q) succeeded", args)
		}
	}
	if err := runInfo([]string{filepath.Join(dir, "missing.gguf")}); err == nil {
		t.Error("info on a missing file succeeded")
	}
}

func TestParseMeta(t *testing.T) {
	cases := []struct {
		in   string
		want any
	}{
		{"a=b", "b"}, {"a:str=1", "1"}, {"a:u32=7", uint32(7)}, {"a:i8=-3", int8(-3)},
		{"a:f32=0.5", float32(0.5)}, {"a:f64=2", float64(2)}, {"a:bool=true", true}, {"a:u64=0x10", uint64(16)},
	}
	for _, c := range cases {
		k, v, err := parseMeta(c.in)
		if err != nil || k != "a" || v != c.want {
			t.Errorf("parseMeta(%q) = %q, %#v, %v; want %#v", c.in, k, v, err, c.want)
		}
	}
}
