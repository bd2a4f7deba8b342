package playground

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/genplay/genplay/models/diffusion"
)

// Frame is one recorded denoising step: what the canvas draws and the
// timeline scrubs to. At 32×32 one frame is 12 KiB, so a 1000-step run
// keeps about 12 MiB.
type Frame struct {
	Step, Total int           // 1-based step number and the run's step count
	T           int           // the model timestep of the step
	X, X0, Eps  []float32     // x_t after the step, predicted x0, guided predicted noise
	Took        time.Duration // wall time of the step (model + sampler)
}

// Model is the part of *diffusion.UNet a run uses (an interface so the
// run's control flow is tested without weights).
type Model interface {
	Generate(ctx context.Context, o diffusion.Options, onStep func(diffusion.Step) error) ([]float32, error)
	GuidedEps(x []float32, t, class int, w float64) (eps, cond, uncond []float32, err error)
}

var _ Model = (*diffusion.UNet)(nil)

// errStopAt ends a base run early once the branch point is reached.
var errStopAt = errors.New("branch point reached")

// Run generates s's image on m, calling emit with every step's frame. The
// gate is consulted before every step, so a paused gate holds the run
// before its first step too. A branched s runs its base up to the branch
// point and then the branch; when from holds the frames of an earlier run
// with the same base (the timeline's "branch from here"), the base is not
// run again. It returns the final image.
func Run(ctx context.Context, m Model, cfg *diffusion.Config, s Settings, from []Frame, gate *Gate, emit func(Frame)) ([]float32, error) {
	base, err := s.Options(cfg)
	if err != nil {
		return nil, err
	}
	if s.Branch == nil {
		return runBase(ctx, m, base, -1, gate, emit)
	}
	bo, err := s.BranchOptions(cfg)
	if err != nil {
		return nil, err
	}
	at := s.Branch.At
	var xt []float32
	if len(from) > at {
		xt = from[at].X
	} else {
		_, err := runBase(ctx, m, base, at, gate, func(f Frame) {
			xt = f.X
			emit(f)
		})
		if !errors.Is(err, errStopAt) {
			if err == nil {
				err = fmt.Errorf("the base run ended before the branch step %d", at+1)
			}
			return nil, err
		}
	}
	return Resume(ctx, m, cfg, bo, at, xt, gate, emit)
}

// runBase runs m.Generate, stopping with errStopAt after step index stopAt
// (-1: never).
func runBase(ctx context.Context, m Model, o diffusion.Options, stopAt int, gate *Gate, emit func(Frame)) ([]float32, error) {
	if err := gate.Wait(ctx); err != nil {
		return nil, err
	}
	last := time.Now()
	return m.Generate(ctx, o, func(st diffusion.Step) error {
		emit(Frame{Step: st.Index + 1, Total: st.Total, T: st.T, X: st.X, X0: st.X0, Eps: st.Eps, Took: time.Since(last)})
		if st.Index == stopAt {
			return errStopAt
		}
		if st.Index+1 == st.Total {
			return nil
		}
		if err := gate.Wait(ctx); err != nil {
			return err
		}
		last = time.Now()
		return nil
	})
}

// Resume continues a run from xt, the x_t recorded after step index at, with
// the remaining steps of o (o.Steps is the whole run's step count, so the
// timesteps are the base run's). The noise of the remaining steps comes from
// o.Seed; a multistep sampler (dpmpp_2m) restarts with a first-order step.
//
// diffusion.Generate has no start step, so this is its loop from step at+1,
// built from the same exported pieces (sampler, schedule, guidance, noise).
func Resume(ctx context.Context, m Model, cfg *diffusion.Config, o diffusion.Options, at int, xt []float32, gate *Gate, emit func(Frame)) ([]float32, error) {
	if err := o.Validate(cfg); err != nil {
		return nil, err
	}
	sched := diffusion.ScheduleFor(cfg)
	s, err := diffusion.NewSampler(o.Sampler, o.Steps, o.Eta, sched)
	if err != nil {
		return nil, err
	}
	ts := s.Timesteps()
	size := cfg.InChannels * cfg.SampleSize * cfg.SampleSize
	switch {
	case at < 0 || at >= len(ts)-1:
		return nil, fmt.Errorf("cannot branch after step %d of %d: pick an earlier step", at+1, len(ts))
	case len(xt) != size:
		return nil, fmt.Errorf("branch x_t has %d values, want %d", len(xt), size)
	}
	x := s.Start(xt) // also resets the multistep memory
	if o.Sampler == diffusion.EulerA || o.Sampler == diffusion.DPMPP2M {
		// The k-diffusion samplers keep x_t·√(σ²+1) as their state
		// (diffusion.Sampler's doc); ModelInput undoes this.
		sig := sched.Sigma(ts[at+1])
		x = scaled(xt, math.Sqrt(sig*sig+1))
	}
	rng := diffusion.NewRand(o.Seed)
	for i := at + 1; i < len(ts); i++ {
		if err := gate.Wait(ctx); err != nil {
			return nil, err
		}
		start := time.Now()
		noise := rng.Normals(size)
		eps, _, _, err := m.GuidedEps(s.ModelInput(i, x), ts[i], o.Class, o.Guidance)
		if err != nil {
			return nil, fmt.Errorf("step %d of %d: %w", i+1, len(ts), err)
		}
		var x0 []float32
		x, x0 = s.Step(i, x, eps, noise)
		emit(Frame{Step: i + 1, Total: len(ts), T: ts[i], X: s.ModelInput(i+1, x), X0: x0, Eps: eps, Took: time.Since(start)})
	}
	return s.ModelInput(len(ts), x), nil
}

func scaled(x []float32, c float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float64(v) * c)
	}
	return out
}
