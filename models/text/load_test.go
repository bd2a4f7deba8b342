package text

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

func openTestFile(t testing.TB, name string) *weights.File {
	t.Helper()
	f, err := weights.OpenFile(filepath.Join("testdata", name+".gguf"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLoadRejectsBadFiles(t *testing.T) {
	cases := []struct {
		name, model string
		edit        func(*weights.File)
		want        string
	}{
		{"unsupported architecture", "llama", func(f *weights.File) { f.Metadata.Set(weights.KeyArchitecture, "mamba") },
			`architecture "mamba" is not supported (supported text architectures: gpt2, llama)`},
		{"missing key", "gpt2", func(f *weights.File) { f.Metadata.Delete("gpt2.block_count") }, `"gpt2.block_count"`},
		{"heads do not divide", "llama", func(f *weights.File) { f.Metadata.Set("llama.attention.head_count", uint32(5)) },
			"5 heads and 2 key/value heads do not divide embedding length 64"},
		{"missing tensor", "llama", func(f *weights.File) { f.Tensors[3].Name = "renamed" }, "not found"},
		{"wrong shape", "gpt2", func(f *weights.File) {
			tt, _ := f.Tensor("blk.1.ffn_up.weight")
			tt.Shape = []int64{128, 128}
		}, "tensor blk.1.ffn_up.weight has shape [128 128], want [256 64]"},
		{"unsupported dtype", "llama", func(f *weights.File) {
			tt, _ := f.Tensor("blk.0.attn_q.weight")
			tt.DType = quant.BF16
		}, "tensor blk.0.attn_q.weight has dtype BF16 (supported: [F32 F16 Q8_0 Q4_0])"},
		{"no tokenizer", "gpt2", func(f *weights.File) { f.Metadata.Delete("tokenizer.ggml.tokens") }, ErrNoTokenizer.Error()},
		{"unknown tokenizer", "gpt2", func(f *weights.File) { f.Metadata.Set("tokenizer.ggml.model", "bert") },
			`tokenizer model "bert" is not supported (supported: gpt2, llama)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := openTestFile(t, tc.model)
			tc.edit(f)
			_, err := Load(kernels.NewCPU(1), f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	f := openTestFile(t, "gpt2")
	f.Metadata.Delete("tokenizer.ggml.model")
	if _, err := Load(kernels.NewCPU(1), f); !errors.Is(err, ErrNoTokenizer) {
		t.Errorf("no tokenizer.ggml.model: %v", err)
	}
}

// TestQuantizedForward quantizes the golden models' matrices and checks the
// logits stay close to PyTorch's f32 answer (quantization error, not parity).
func TestQuantizedForward(t *testing.T) {
	for _, dt := range []quant.DType{quant.F16, quant.Q8_0, quant.Q4_0} {
		for _, name := range []string{"gpt2", "llama"} {
			f := openTestFile(t, name)
			for i := range f.Tensors {
				tt := &f.Tensors[i]
				if len(tt.Shape) != 2 || tt.Name == "position_embd.weight" {
					continue
				}
				x, _ := tt.Float32()
				var err error
				if dt == quant.F16 {
					tt.Data = make([]byte, 2*len(x))
					for j, v := range x {
						h := quant.F32ToF16(v)
						tt.Data[2*j], tt.Data[2*j+1] = byte(h), byte(h>>8)
					}
				} else if tt.Data, err = quant.Quantize(dt, x); err != nil {
					t.Fatal(err)
				}
				tt.DType = dt
			}
			m, err := Load(kernels.NewCPU(0), f)
			if err != nil {
				t.Fatalf("%s %v: %v", name, dt, err)
			}
			g := readGolden(t, name, m.Config.VocabSize)
			logits, err := m.Forward(g.prompt, m.NewCache())
			if err != nil {
				t.Fatal(err)
			}
			// Q4_0's step is 16x Q8_0's, so its error variance is about 256x:
			// random weights have no structure to hide it.
			limit := map[quant.DType]float64{quant.F16: 1e-5, quant.Q8_0: 2e-3, quant.Q4_0: 0.4}[dt]
			e := nmse(logits, g.prefill)
			if e > limit {
				t.Errorf("%s %v: prefill NMSE %.3g > %.0g", name, dt, e, limit)
			}
			t.Logf("%s %v: prefill NMSE %.2g", name, dt, e)
			m.Close()
		}
	}
}
