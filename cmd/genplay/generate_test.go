package main

import (
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// testUNet is the diffusion package's f32 test model.
const testUNet = "../../models/diffusion/testdata/unet-f32.gguf"

func writeTiny(t *testing.T, path, arch string) {
	t.Helper()
	f := &weights.File{}
	// Keys before the architecture exercise the header walk's skipping.
	f.Metadata.Set("a.list", []string{"x", "yy"})
	f.Metadata.Set("a.nums", []int32{1, 2, 3})
	f.Metadata.Set("a.f", float32(1.5))
	if arch != "" {
		f.Metadata.Set(weights.KeyArchitecture, arch)
	}
	f.Tensors = []weights.TensorInfo{{Name: "w", Shape: []int64{1}, DType: quant.F32, Data: make([]byte, 4)}}
	if err := weights.WriteFile(path, f); err != nil {
		t.Fatal(err)
	}
}

func TestReadArchitecture(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"m.gguf", "m.gguf.zst"} {
		p := filepath.Join(dir, name)
		writeTiny(t, p, "tinyarch")
		if a, err := readArchitecture(p); err != nil || a != "tinyarch" {
			t.Errorf("%s: readArchitecture = %q, %v", name, a, err)
		}
	}
	p := filepath.Join(dir, "none.gguf")
	writeTiny(t, p, "")
	if _, err := readArchitecture(p); err == nil || !strings.Contains(err.Error(), "no general.architecture") {
		t.Errorf("no architecture: %v", err)
	}
	os.WriteFile(p, []byte("GGUF\x03\x00\x00\x00"), 0o644)
	if _, err := readArchitecture(p); err == nil {
		t.Errorf("truncated header accepted")
	}
	os.WriteFile(p, []byte("hello world"), 0o644)
	if _, err := readArchitecture(p); err == nil || !strings.Contains(err.Error(), "not a GGUF") {
		t.Errorf("text file: %v", err)
	}
}

func TestGenerateDispatch(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.gguf")
	writeTiny(t, p, "tinyarch")
	err := runGenerate([]string{"--model", p})
	if err == nil || !strings.Contains(err.Error(), `"tinyarch" has no generator`) || !strings.Contains(err.Error(), "genplay-unet") {
		t.Errorf("unknown arch: %v", err)
	}
	if err := runGenerate([]string{"--class", "bag"}); err == nil || !strings.Contains(err.Error(), "--model is required") {
		t.Errorf("no model: %v", err)
	}
	if err := runGenerate([]string{"--model", "no-such-model"}); err == nil || !strings.Contains(err.Error(), "unknown model") {
		t.Errorf("unknown model: %v", err)
	}
}

func TestCheckManifestFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.gguf")
	os.WriteFile(p, []byte("abc"), 0o644)
	sum := sha256.Sum256([]byte("abc"))
	good := weights.ModelEntry{ID: "x", File: "x.gguf", Bytes: 3, SHA256: hex.EncodeToString(sum[:])}
	if err := checkManifestFile(p, good); err != nil {
		t.Errorf("good file: %v", err)
	}
	bad := good
	bad.Bytes = 4
	if err := checkManifestFile(p, bad); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("size mismatch: %v", err)
	}
	bad = good
	bad.SHA256 = strings.Repeat("0", 64)
	if err := checkManifestFile(p, bad); err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), "git checkout") {
		t.Errorf("hash mismatch: %v", err)
	}
}

func TestGenerateImage(t *testing.T) {
	dir := t.TempDir()
	out, anim := filepath.Join(dir, "o.png"), filepath.Join(dir, "s.gif")
	err := runGenerate([]string{"--model", testUNet, "--class", "sneaker", "--seed", "42", "--steps", "2",
		"--sampler", "dpmpp_2m", "--guidance", "3", "-o", out, "--gif", anim, "--scale", "2", "-q"})
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 64 {
		t.Errorf("image is %v, want 64x64", b)
	}
	if st, err := os.Stat(anim); err != nil || st.Size() == 0 {
		t.Errorf("gif: %v", err)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--class", "cat"}, "unknown class \"cat\"; valid classes: t-shirt/top, trouser"},
		{[]string{"--class", "bag", "--steps", "0"}, "steps must be between 1 and 1000, got 0"},
		{[]string{"--class", "bag", "--steps", "1001"}, "steps must be between 1 and 1000, got 1001"},
		{[]string{"--class", "bag", "--seed", "x1"}, `seed "x1" is not a number`},
		{[]string{"--class", "bag", "--guidance", "-2"}, "guidance must be between 0 and"},
		{[]string{"--class", "bag", "--sampler", "plms"}, "choose one of: ddpm, ddim, euler_a, dpmpp_2m"},
		{[]string{"--class", "bag", "--sampler", "ddpm", "--eta", "0.5"}, "eta applies only to the ddim sampler"},
	} {
		err := runGenerate(append([]string{"--model", testUNet, "-o", out}, c.args...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}

	bad := filepath.Join(dir, "bad.gguf")
	data, _ := os.ReadFile(testUNet)
	os.WriteFile(bad, data[:len(data)/2], 0o644)
	err = runGenerate([]string{"--model", bad, "--class", "bag", "-o", out})
	if err == nil || !strings.Contains(err.Error(), "loading the model") || !strings.Contains(err.Error(), "genplay quantize") {
		t.Errorf("truncated file: %v", err)
	}
}
