package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

func TestQuantizeLlama2C(t *testing.T) {
	dir := "../../models/text/testdata/llama2c"
	out := filepath.Join(t.TempDir(), "m.gguf.zst")
	var log strings.Builder
	handled, err := quantizeLlama2C(&log, []string{"--llama2c", filepath.Join(dir, "model.bin"),
		"--tokenizer", filepath.Join(dir, "tokenizer.bin"), out, "--type", "q8_0"})
	if !handled || err != nil {
		t.Fatalf("handled %v, err %v", handled, err)
	}
	f, err := weights.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := f.Tensor("blk.0.attn_q.weight"); q == nil || q.DType != quant.Q8_0 {
		t.Errorf("attn_q not stored as Q8_0")
	}
	m, err := text.Load(kernels.NewCPU(1), f)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Config.Arch != "llama" || m.Config.KVHeads != 2 || m.Tokenizer.Model() != "llama" {
		t.Errorf("config %+v", m.Config)
	}
	if !strings.Contains(log.String(), "2 layers, dim 64, 4 heads (2 kv)") {
		t.Errorf("log %q", log.String())
	}

	if handled, _ := quantizeLlama2C(io.Discard, []string{"in.safetensors", "out.gguf"}); handled {
		t.Error("a safetensors conversion was taken for llama2.c")
	}
	if _, err := quantizeLlama2C(io.Discard, []string{"--llama2c", "x.bin", "out.gguf"}); err == nil || !strings.Contains(err.Error(), "--tokenizer") {
		t.Errorf("missing tokenizer: %v", err)
	}
}
