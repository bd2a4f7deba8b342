package text

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// The default text models shipped in weights/ against goldens written by
// train/text/export_lm.py (PyTorch, float64):
//
//	/usr/bin/python3 train/text/export_lm.py --model fortunes
//
// testdata/NAME-golden.safetensors holds, for the shipped Q8_0 weights
// dequantized to f32: a prompt (its text in the metadata), the prefill
// logits, 64 greedy ids and every greedy step's logits. It also holds
// f32_greedy_ids, the greedy continuation of the trained f32 weights before
// quantization, and tok_ids, the Python tokenizer's ids for tok_text (held-out
// training text). Parity is checked on f32 weights; the Q8_0 path is checked
// by how closely it follows the unquantized model.
var defaultTextModels = []string{"fortunes", "gocode"}

func openDefaultModel(t testing.TB, name string) *weights.File {
	t.Helper()
	f, err := weights.OpenFile(filepath.Join("..", "..", "weights", name+"-q8_0.gguf.zst"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// dequantized returns a copy of f with every tensor stored as F32: exactly
// the f32 weights the goldens were computed for (a Q8_0 value, an f16 scale
// times an int8, is exact in f32).
func dequantized(t testing.TB, f *weights.File) *weights.File {
	t.Helper()
	out := &weights.File{Version: f.Version, Metadata: f.Metadata, Tensors: make([]weights.TensorInfo, len(f.Tensors))}
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		x, err := ti.Float32()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := quant.Quantize(quant.F32, x)
		if err != nil {
			t.Fatal(err)
		}
		out.Tensors[i] = weights.TensorInfo{Name: ti.Name, Shape: ti.Shape, DType: quant.F32, Data: raw}
	}
	return out
}

func goldenExtra(t testing.TB, name string) (meta map[string]string, tensor func(string) []int32) {
	t.Helper()
	s, err := weights.OpenSafetensors(filepath.Join("testdata", name+"-golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	return s.Metadata, func(n string) []int32 {
		x := s.Tensor(n)
		if x == nil {
			t.Fatalf("%s-golden.safetensors has no %s", name, n)
		}
		ids := make([]int32, len(x.Data))
		for i, v := range x.Data {
			ids[i] = int32(v)
		}
		return ids
	}
}

func TestDefaultModelsMatchPyTorch(t *testing.T) {
	for _, name := range defaultTextModels {
		t.Run(name, func(t *testing.T) {
			b := kernels.NewCPU(0)
			m, err := Load(b, dequantized(t, openDefaultModel(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Config.Arch != "llama" || m.Config.KVHeads >= m.Config.Heads {
				t.Errorf("config %+v: want a llama with grouped-query attention", m.Config)
			}
			checkGolden(t, m, name, 1e-5)
			if err := b.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestTrainedF32MatchesPyTorch checks the trained f32 export itself, before
// quantization, when the training run's folder is present (it is git-ignored,
// so elsewhere the test skips): train/runs/text/NAME-small/NAME-f32.gguf
// against NAME-f32-golden.safetensors from the same export_lm.py run.
func TestTrainedF32MatchesPyTorch(t *testing.T) {
	for _, name := range defaultTextModels {
		t.Run(name, func(t *testing.T) {
			// checkGolden reads testdata/NAME-golden.safetensors, hence the path relative to testdata.
			run := filepath.Join("..", "..", "..", "train", "runs", "text", name+"-small", name+"-f32")
			f, err := weights.OpenFile(filepath.Join("testdata", run+".gguf"))
			if errors.Is(err, fs.ErrNotExist) {
				t.Skipf("no training run here: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			b := kernels.NewCPU(0)
			m, err := Load(b, f)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			checkGolden(t, m, run, 1e-5)
		})
	}
}

func TestDefaultModelsTokenizerMatchesPython(t *testing.T) {
	for _, name := range defaultTextModels {
		t.Run(name, func(t *testing.T) {
			tok, err := NewTokenizer(&openDefaultModel(t, name).Metadata)
			if err != nil {
				t.Fatal(err)
			}
			meta, ids := goldenExtra(t, name)
			for _, c := range []struct{ text, ids string }{{"prompt_text", "prompt"}, {"tok_text", "tok_ids"}} {
				text, ok := meta[c.text]
				if !ok {
					t.Fatalf("golden metadata has no %s", c.text)
				}
				want := ids(c.ids)
				got := tok.Encode(text, false)
				if !slices.Equal(got, want) {
					n := 0
					for n < min(len(got), len(want)) && got[n] == want[n] {
						n++
					}
					t.Errorf("%s: Go ids differ from Python's at index %d of %d (got %d ids, want %d)", c.text, n, len(want), len(got), len(want))
				}
				if back := tok.Decode(got); back != text {
					t.Errorf("%s: decoding the ids does not give the text back", c.text)
				}
			}
		})
	}
}

// TestDefaultModelsQ8Agreement runs the shipped Q8_0 weights as stored and
// compares their greedy continuation with the trained f32 model's.
func TestDefaultModelsQ8Agreement(t *testing.T) {
	for _, name := range defaultTextModels {
		t.Run(name, func(t *testing.T) {
			b := kernels.NewCPU(0)
			m, err := Load(b, openDefaultModel(t, name))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			V := m.Config.VocabSize
			g := readGolden(t, name, V)
			_, ids := goldenExtra(t, name)
			want := ids("f32_greedy_ids")
			cache := m.NewCache()
			defer cache.Reset()
			logits, err := m.Forward(g.prompt, cache)
			if err != nil {
				t.Fatal(err)
			}
			// Against the dequantized weights' logits: only the Q8_0 arithmetic differs.
			e := nmse(logits, g.prefill)
			if e > 1e-3 {
				t.Errorf("Q8_0 prefill logits: NMSE %.3g against the dequantized-f32 goldens > 1e-3", e)
			}
			last := logits[len(logits)-V:]
			var got []int32
			for range want {
				id := argmax(last)
				got = append(got, id)
				if last, err = m.Forward([]int32{id}, cache); err != nil {
					t.Fatal(err)
				}
			}
			same, prefix := 0, -1
			for i := range want {
				if got[i] == want[i] {
					same++
				} else if prefix < 0 {
					prefix = i
				}
			}
			if prefix < 0 {
				prefix = len(want)
			}
			t.Logf("%s Q8_0: prefill logits NMSE %.2g against dequantized f32; greedy vs trained f32: %d/%d tokens equal position by position, first %d identical",
				name, e, same, len(want), prefix)
			if prefix == 0 {
				t.Errorf("Q8_0 greedy continuation differs from the f32 model's at the first token")
			}
		})
	}
}
