package diffusion

import (
	"fmt"
	"math"
	"strings"
)

// Sampler names, as the CLI and the page spell them.
const (
	DDPM    = "ddpm"     // ancestral DDPM over the spaced timesteps
	DDIM    = "ddim"     // DDIM; Eta 0 is deterministic, 1 is DDPM-like
	EulerA  = "euler_a"  // k-diffusion Euler ancestral
	DPMPP2M = "dpmpp_2m" // k-diffusion DPM-Solver++(2M), deterministic
)

// SamplerNames lists the samplers in the order a UI should offer them.
func SamplerNames() []string { return []string{DDPM, DDIM, EulerA, DPMPP2M} }

// Sampler is one sampling run's update rule, train/samplers.py in Go. It
// does not call the model: the caller alternates
//
//	x := s.Start(xT)
//	for i := range s.Timesteps() {
//		eps := model(s.ModelInput(i, x), s.Timesteps()[i])
//		x, x0 = s.Step(i, x, eps, noise_i)
//	}
//
// so the PyTorch trajectories can be replayed with their recorded eps and
// noise. Per-step coefficients are float64, as Python's; each element is
// computed in float64 and rounded to float32 once.
//
// The k-diffusion samplers (EulerA, DPMPP2M) keep x = x_t/√ᾱ_t as their
// state, with σ_t = √((1−ᾱ_t)/ᾱ_t) on the chosen timesteps followed by 0;
// ModelInput scales the state back to x_t for every sampler.
type Sampler struct {
	Name  string
	Eta   float64 // DDIM only
	sched *Schedule
	ts    []int
	sig   []float64 // k-diffusion sigmas: one per timestep, then 0
	prev  []float32 // DPM-Solver++(2M): the previous x0
}

// NewSampler makes a sampler over steps timesteps of sched. eta is used by
// DDIM and must be 0 for the others.
func NewSampler(name string, steps int, eta float64, sched *Schedule) (*Sampler, error) {
	name, err := ParseSampler(name)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(eta) || eta < 0 || eta > 1 {
		return nil, fmt.Errorf("eta must be between 0 and 1, got %v", eta)
	}
	if eta != 0 && name != DDIM {
		return nil, fmt.Errorf("eta applies only to the ddim sampler, not %s", name)
	}
	ts, err := sched.Timesteps(steps)
	if err != nil {
		return nil, err
	}
	s := &Sampler{Name: name, Eta: eta, sched: sched, ts: ts}
	if s.kdiffusion() {
		for _, t := range ts {
			s.sig = append(s.sig, sched.Sigma(t))
		}
		s.sig = append(s.sig, 0)
	}
	return s, nil
}

func (s *Sampler) kdiffusion() bool { return s.Name == EulerA || s.Name == DPMPP2M }

// Timesteps returns the model timesteps, one per step.
func (s *Sampler) Timesteps() []int { return s.ts }

// Stochastic reports whether Step uses its noise argument.
func (s *Sampler) Stochastic() bool {
	return s.Name == DDPM || s.Name == EulerA || (s.Name == DDIM && s.Eta > 0)
}

// Start turns the standard normal x_T into the sampler's state and resets
// the sampler for a new run.
func (s *Sampler) Start(xT []float32) []float32 {
	s.prev = nil
	if !s.kdiffusion() {
		return append([]float32(nil), xT...)
	}
	return scale(xT, math.Sqrt(s.sig[0]*s.sig[0]+1))
}

// ModelInput returns the x_t the UNet sees before step i (i = len(Timesteps())
// gives the final image): the state itself, or x/√(σ²+1) for k-diffusion.
func (s *Sampler) ModelInput(i int, x []float32) []float32 {
	if !s.kdiffusion() {
		return x
	}
	return scale(x, 1/math.Sqrt(s.sig[i]*s.sig[i]+1))
}

// Step applies step i given the model's eps at ModelInput(i, x) and standard
// normal noise (nil is allowed when !Stochastic()). It returns the next
// state and the predicted clean image x0.
func (s *Sampler) Step(i int, x, eps, noise []float32) (next, x0 []float32) {
	if len(eps) != len(x) || (s.Stochastic() && len(noise) != len(x)) {
		panic(fmt.Sprintf("diffusion: sampler step with %d values, %d eps, %d noise", len(x), len(eps), len(noise)))
	}
	if noise == nil {
		noise = make([]float32, len(x))
	}
	t := s.ts[i]
	tp := -1
	if i+1 < len(s.ts) {
		tp = s.ts[i+1]
	}
	at, ap := s.sched.Abar(t), s.sched.Abar(tp)
	next, x0 = make([]float32, len(x)), make([]float32, len(x))

	switch s.Name {
	case DDIM:
		sa, sb := math.Sqrt(1-at), math.Sqrt(at)
		sigma := s.Eta * math.Sqrt((1-ap)/(1-at)) * math.Sqrt(1-at/ap)
		dir := math.Sqrt(max(0, 1-ap-sigma*sigma))
		sp := math.Sqrt(ap)
		for j := range x {
			p := (float64(x[j]) - sa*float64(eps[j])) / sb
			x0[j] = float32(p)
			next[j] = float32(sp*float64(x0[j]) + dir*float64(eps[j]) + sigma*float64(noise[j]))
		}
	case DDPM:
		alpha := at / ap
		beta := 1 - alpha
		sa, sb := math.Sqrt(1-at), math.Sqrt(at)
		c0 := math.Sqrt(ap) * beta / (1 - at)
		ct := math.Sqrt(alpha) * (1 - ap) / (1 - at)
		sd := math.Sqrt(beta * (1 - ap) / (1 - at))
		for j := range x {
			x0[j] = float32((float64(x[j]) - sa*float64(eps[j])) / sb)
			next[j] = float32(c0*float64(x0[j]) + ct*float64(x[j]) + sd*float64(noise[j]))
		}
	case EulerA:
		sg, sn := s.sig[i], s.sig[i+1]
		up := min(sn, math.Sqrt(sn*sn*(sg*sg-sn*sn)/(sg*sg)))
		down := math.Sqrt(sn*sn - up*up)
		for j := range x {
			x0[j] = float32(float64(x[j]) - sg*float64(eps[j]))
			next[j] = float32(float64(x[j]) + (down-sg)*float64(eps[j]) + up*float64(noise[j]))
		}
	case DPMPP2M:
		s.dpmpp2m(i, x, eps, next, x0)
	}
	return next, x0
}

// dpmpp2m is k-diffusion's sample_dpmpp_2m step: a first-order step first
// and last, else a second-order correction from the previous x0.
func (s *Sampler) dpmpp2m(i int, x, eps, next, x0 []float32) {
	sg, sn := s.sig[i], s.sig[i+1]
	for j := range x {
		x0[j] = float32(float64(x[j]) - sg*float64(eps[j]))
	}
	defer func() { s.prev = x0 }()
	if sn == 0 {
		copy(next, x0)
		return
	}
	h := math.Log(sg) - math.Log(sn)
	ratio, em := sn/sg, math.Expm1(-h)
	if s.prev == nil {
		for j := range x {
			next[j] = float32(ratio*float64(x[j]) - em*float64(x0[j]))
		}
		return
	}
	r := (math.Log(s.sig[i-1]) - math.Log(sg)) / h
	a, b := 1+1/(2*r), 1/(2*r)
	for j := range x {
		d := float32(a*float64(x0[j]) - b*float64(s.prev[j]))
		next[j] = float32(ratio*float64(x[j]) - em*float64(d))
	}
}

// ParseSampler returns the canonical sampler name for name ("DDIM",
// "euler-a" and "dpmpp-2m" are accepted), or an error listing them.
func ParseSampler(name string) (string, error) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "-", "_")
	switch n {
	case "euler_ancestral":
		n = EulerA
	case "dpm++2m", "dpm++_2m", "dpmpp2m":
		n = DPMPP2M
	}
	for _, s := range SamplerNames() {
		if n == s {
			return s, nil
		}
	}
	return "", fmt.Errorf("unknown sampler %q; choose one of: %s", name, strings.Join(SamplerNames(), ", "))
}

func scale(x []float32, c float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float64(v) * c)
	}
	return out
}
