package e2e

import (
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/models/text"
	"github.com/genplay/genplay/weights"
)

// The shipped default models, relative to this package.
const (
	fashionFile  = "../../weights/fashion-q8_0.gguf.zst"
	fortunesFile = "../../weights/fortunes-q8_0.gguf.zst"
)

// countingBackend counts ops as a GPU backend counts dispatches.
type countingBackend struct {
	kernels.Backend
	n int
}

func (c *countingBackend) SiLU(x kernels.Tensor) kernels.Tensor {
	c.n++
	return c.Backend.SiLU(x)
}

func TestUNetSteps(t *testing.T) {
	f, err := weights.OpenFile(fashionFile)
	if err != nil {
		t.Fatalf("shipped model (committed under weights/): %v", err)
	}
	b := &countingBackend{Backend: kernels.NewCPU(0)}
	u, err := diffusion.Load(b, f)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	r, err := UNetSteps(u, 2, Meter{Dispatches: func() int { return b.n }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Batch != 2 || len(r.Steps) != 2 || r.Median <= 0 || r.Fastest > r.Median {
		t.Errorf("result %+v: want batch 2, 2 steps, 0 < fastest <= median", r)
	}
	// The wrapper hides the fused GroupNormSiLU, so every resnet's SiLUs
	// and the time embedding's show up: a step is a fixed number of them.
	if r.Dispatches < 2 {
		t.Errorf("%d counted SiLUs per step, want the UNet's (more than 1)", r.Dispatches)
	}
}

func TestTextSpeed(t *testing.T) {
	f, err := weights.OpenFile(fortunesFile)
	if err != nil {
		t.Fatalf("shipped model (committed under weights/): %v", err)
	}
	m, err := text.Load(kernels.NewCPU(0), f)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r, err := TextSpeed(m, 5, 3, 1, Meter{})
	if err != nil {
		t.Fatal(err)
	}
	if r.PromptTokens != 5 || r.DecodeTokens != 3 || r.PrefillTokS <= 0 || r.DecodeTokS <= 0 || r.TokenDispatches != 0 {
		t.Errorf("result %+v", r)
	}
	if _, err := TextSpeed(m, m.Config.ContextLength, 1, 1, Meter{}); err == nil {
		t.Errorf("a prompt filling the whole context was accepted")
	}
	// Two models alternating (the same file, the second on a backend that
	// counts SiLUs): a result each, with what the meter counted per token.
	counted := &countingBackend{Backend: kernels.NewCPU(0)}
	f2, err := weights.OpenFile(fortunesFile)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := text.Load(counted, f2)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	rs, err := CompareTextSpeed([]*text.Model{m, m2}, 4, 2, 2, Meter{Dispatches: func() int { return counted.n }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].DecodeTokS <= 0 || rs[1].DecodeTokS <= 0 || rs[0].TokenDispatches != 0 || rs[1].TokenDispatches <= 0 {
		t.Errorf("results %+v: want two, the counted model's SiLUs per token > 0, the other's 0", rs)
	}
	if _, err := CompareTextSpeed(nil, 4, 2, 1, Meter{}); err == nil {
		t.Error("no models: no error")
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %g, want %g", c.in, got, c.want)
		}
	}
}
