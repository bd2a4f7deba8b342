package diffusion

import (
	"context"
	"fmt"
)

// Options describe one image. The zero value is not valid: set at least
// Sampler and Steps. Validate (or Generate) checks them with messages meant
// for users, shared by the CLI and the page.
type Options struct {
	Class    int     // class index, or Config.NullClass() for unconditional
	Guidance float64 // classifier-free guidance w: eps = eps_u + w·(eps_c − eps_u)
	Sampler  string  // one of SamplerNames()
	Steps    int     // 1 .. Config.TrainTimesteps
	Eta      float64 // DDIM's eta, 0 (deterministic) .. 1
	Seed     uint64  // seeds Rand for x_T and the per-step noise

	// XT and Noise, when set, replace the seeded noise: tests replay PyTorch
	// trajectories with them. Noise(i) is the noise for step i.
	XT    []float32
	Noise func(step int) []float32
}

// Step is what the per-step callback sees. Slices are fresh for every step
// and may be kept.
type Step struct {
	Index, Total int       // the step just done (0-based) and the step count
	T            int       // its model timestep
	X            []float32 // x_t after the step, in image scale (the final image after the last step)
	X0           []float32 // the predicted clean image
	Eps          []float32 // the guided noise prediction
}

// Validate checks o against the model's config.
func (o *Options) Validate(c *Config) error {
	if o.Class < 0 || o.Class > c.NumClasses {
		return fmt.Errorf("class index %d out of range; %s", o.Class, classList(c))
	}
	if err := CheckSteps(o.Steps, c.TrainTimesteps); err != nil {
		return err
	}
	if err := CheckGuidance(o.Guidance); err != nil {
		return err
	}
	_, err := ParseSampler(o.Sampler)
	return err
}

// Generate samples one image, calling onStep (when not nil) after every
// step; an error from onStep or a cancelled ctx stops it. It returns the
// final image, [InChannels, S, S] values nominally in [−1, 1] (not clamped).
func (u *UNet) Generate(ctx context.Context, o Options, onStep func(Step) error) ([]float32, error) {
	c := u.Config
	if err := o.Validate(c); err != nil {
		return nil, err
	}
	s, err := NewSampler(o.Sampler, o.Steps, o.Eta, ScheduleFor(c))
	if err != nil {
		return nil, err
	}
	size := c.InChannels * c.SampleSize * c.SampleSize
	rng := NewRand(o.Seed)
	xT := rng.Normals(size)
	if o.XT != nil {
		if len(o.XT) != size {
			return nil, fmt.Errorf("x_T has %d values, want %d", len(o.XT), size)
		}
		xT = o.XT
	}
	ts := s.Timesteps()
	x := s.Start(xT)
	for i, t := range ts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		noise := rng.Normals(size)
		if o.Noise != nil {
			noise = o.Noise(i)
		}
		eps, _, _, err := u.GuidedEps(s.ModelInput(i, x), t, o.Class, o.Guidance)
		if err != nil {
			return nil, fmt.Errorf("step %d of %d: %w", i+1, len(ts), err)
		}
		var x0 []float32
		x, x0 = s.Step(i, x, eps, noise)
		if onStep != nil {
			st := Step{Index: i, Total: len(ts), T: t, X: s.ModelInput(i+1, x), X0: x0, Eps: eps}
			if err := onStep(st); err != nil {
				return nil, err
			}
		}
	}
	return s.ModelInput(len(ts), x), nil
}

// GuidedEps runs the UNet once on x at timestep t and combines classifier-
// free guidance: the conditional and unconditional halves go through the
// model as one batch of 2, eps = eps_u + w·(eps_c − eps_u). When the class
// is the null class, or w is 1, only one half is needed and the batch is 1
// (cond or uncond is then nil).
func (u *UNet) GuidedEps(x []float32, t, class int, w float64) (eps, cond, uncond []float32, err error) {
	null := u.Config.NullClass()
	switch {
	case class == null:
		uncond, err = u.Forward(x, []int{t}, []int{null})
		return uncond, nil, uncond, err
	case w == 1:
		cond, err = u.Forward(x, []int{t}, []int{class})
		return cond, cond, nil, err
	}
	both := make([]float32, 0, 2*len(x))
	both = append(append(both, x...), x...)
	out, err := u.Forward(both, []int{t, t}, []int{class, null})
	if err != nil {
		return nil, nil, nil, err
	}
	cond, uncond = out[:len(x)], out[len(x):]
	eps = make([]float32, len(x))
	for i := range eps {
		// Rounded like PyTorch's float32 ops: the difference, then the sum.
		d := cond[i] - uncond[i]
		eps[i] = uncond[i] + float32(w*float64(d))
	}
	return eps, cond, uncond, nil
}
