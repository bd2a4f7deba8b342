package text

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
)

// The goldens in testdata come from train/text/golden.py (PyTorch, float64):
//
//	/usr/bin/python3 train/text/golden.py models/text/testdata
//
// NAME.gguf is a tiny random model; NAME-golden.safetensors holds a prompt,
// its prefill logits, 64 greedy ids and the logits of every greedy step.

// golden is what the PyTorch script computed for one model.
type golden struct {
	prompt, greedy []int32
	prefill        []float32   // [len(prompt)][vocab]
	steps          [][]float32 // [64][vocab]: logits after prompt + greedy[:i]
}

func readGolden(t testing.TB, name string, vocab int) golden {
	t.Helper()
	s, err := weights.OpenSafetensors(filepath.Join("testdata", name+"-golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(n string) []float32 {
		x := s.Tensor(n)
		if x == nil {
			t.Fatalf("%s-golden.safetensors has no %s", name, n)
		}
		return x.Data
	}
	ids := func(x []float32) []int32 {
		out := make([]int32, len(x))
		for i, v := range x {
			out[i] = int32(v)
		}
		return out
	}
	g := golden{prompt: ids(get("prompt")), greedy: ids(get("greedy_ids")), prefill: get("prefill_logits")}
	st := get("greedy_logits")
	for i := 0; i < len(g.greedy); i++ {
		g.steps = append(g.steps, st[i*vocab:(i+1)*vocab])
	}
	return g
}

func loadTestModel(t testing.TB, b kernels.Backend, name string) *Model {
	t.Helper()
	f, err := weights.OpenFile(filepath.Join("testdata", name+".gguf"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(b, f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// nmse is the normalized mean squared error sum((got-want)²)/sum(want²).
func nmse(got, want []float32) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var num, den float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		num += d * d
		den += float64(want[i]) * float64(want[i])
	}
	return num / den
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

// checkGolden runs the prefill and 64 cached decode steps against the
// PyTorch logits, feeding back the model's own greedy choice.
func checkGolden(t *testing.T, m *Model, name string, tol float64) {
	V := m.Config.VocabSize
	g := readGolden(t, name, V)
	cache := m.NewCache()
	defer cache.Reset()
	logits, err := m.Forward(g.prompt, cache)
	if err != nil {
		t.Fatal(err)
	}
	if e := nmse(logits, g.prefill); e > tol {
		t.Errorf("prefill logits: NMSE %.3g > %.0g", e, tol)
	}
	last := logits[len(logits)-V:]
	var got []int32
	worst := 0.0
	for i := range g.greedy {
		worst = max(worst, nmse(last, g.steps[i]))
		id := argmax(last)
		got = append(got, id)
		if id != g.greedy[i] {
			t.Fatalf("greedy token %d: got %d, PyTorch %d (so far %v)", i, id, g.greedy[i], got)
		}
		if last, err = m.Forward([]int32{id}, cache); err != nil {
			t.Fatal(err)
		}
	}
	if worst > tol {
		t.Errorf("decode-step logits: worst NMSE %.3g > %.0g", worst, tol)
	}
	t.Logf("%s on %s: %d greedy tokens identical, worst step NMSE %.2g", name, m.Backend().Name(), len(got), worst)
}

func TestForwardMatchesPyTorch(t *testing.T) {
	for _, name := range []string{"gpt2", "llama"} {
		t.Run(name, func(t *testing.T) {
			b := kernels.NewCPU(0)
			m := loadTestModel(t, b, name)
			defer m.Close()
			checkGolden(t, m, name, 1e-5)
			if err := b.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func Example_config() {
	f, _ := weights.OpenFile("testdata/llama.gguf")
	c, _ := ReadConfig(f)
	fmt.Printf("%s: %d layers, dim %d, %d heads (%d kv), vocab %d, ctx %d\n",
		c.Arch, c.Layers, c.Dim, c.Heads, c.KVHeads, c.VocabSize, c.ContextLength)
	// Output: llama: 2 layers, dim 64, 4 heads (2 kv), vocab 336, ctx 96
}
