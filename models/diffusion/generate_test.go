package diffusion

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels"
)

// TestGenerateGolden runs the whole loop (UNet with guidance as a batch of
// 2, DDIM, 4 steps) from PyTorch's x_T and compares every step.
func TestGenerateGolden(t *testing.T) {
	u := loadTest(t, kernels.NewCPU(2))
	defer u.Close()
	const size = 1024
	part := func(v []float32, i int) []float32 { return v[i*size : (i+1)*size] }

	// The two halves of the batch, at the first step.
	_, cond, uncond, err := u.GuidedEps(gold(t, "ddim.x_T"), 999, 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	if e := nmse(cond, part(gold(t, "ddim.eps_cond"), 0)); e > 1e-5 {
		t.Errorf("conditional half NMSE %.3g", e)
	}
	if e := nmse(uncond, part(gold(t, "ddim.eps_uncond"), 0)); e > 1e-5 {
		t.Errorf("unconditional half NMSE %.3g", e)
	}

	opts := Options{Class: 7, Guidance: 3, Sampler: DDIM, Steps: 4, XT: gold(t, "ddim.x_T")}
	var steps []int
	out, err := u.Generate(context.Background(), opts, func(s Step) error {
		steps = append(steps, s.T)
		if s.Total != 4 || s.Index != len(steps)-1 {
			t.Errorf("step %d of %d reported as %d of %d", len(steps)-1, 4, s.Index, s.Total)
		}
		if e := nmse(s.Eps, part(gold(t, "ddim.eps"), s.Index)); e > 1e-5 {
			t.Errorf("step %d eps NMSE %.3g", s.Index, e)
		}
		if e := nmse(s.X0, part(gold(t, "ddim.x0"), s.Index)); e > 1e-5 {
			t.Errorf("step %d x0 NMSE %.3g", s.Index, e)
		}
		if s.Index < 3 {
			if e := nmse(s.X, part(gold(t, "ddim.x"), s.Index+1)); e > 1e-5 {
				t.Errorf("step %d x NMSE %.3g", s.Index, e)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(steps, []int{999, 749, 499, 249}) {
		t.Errorf("timesteps %v", steps)
	}
	e := nmse(out, gold(t, "ddim.out"))
	t.Logf("DDIM 4 steps, guidance 3: final NMSE vs PyTorch %.3g", e)
	if e > 1e-5 {
		t.Errorf("final sample NMSE %.3g > 1e-5", e)
	}
}

// TestGenerateSeeded checks the seeded path: the same seed gives the same
// image, another seed another, and the callback can stop the run.
func TestGenerateSeeded(t *testing.T) {
	u := loadTest(t, kernels.NewCPU(2))
	defer u.Close()
	ctx := context.Background()
	o := Options{Class: 3, Guidance: 2, Sampler: EulerA, Steps: 2, Seed: 42}
	a, err := u.Generate(ctx, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := u.Generate(ctx, o, nil)
	if !slices.Equal(a, b) {
		t.Errorf("seed 42 gave two different images")
	}
	o.Seed = 43
	c, _ := u.Generate(ctx, o, nil)
	if nmse(c, a) < 1e-3 {
		t.Errorf("seeds 42 and 43 gave nearly the same image")
	}
	stop := errors.New("stop")
	n := 0
	_, err = u.Generate(ctx, o, func(Step) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("callback error: got %v after %d steps", err, n)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := u.Generate(cctx, o, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}
