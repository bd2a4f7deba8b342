package diffusion

import (
	"fmt"
	"math"
)

// Schedule is the DDPM noise schedule of train/samplers.py: T linear betas
// from BetaStart to BetaEnd in float64, and their cumulative products
// ᾱ_t = ∏_{s≤t} (1 − β_s). Model timesteps are integers in [0, T); the step
// after the last lands on clean data, ᾱ_{−1} = 1.
type Schedule struct {
	T             int
	AlphasCumprod []float64
}

// NewSchedule builds the linear schedule (torch.linspace in float64, then a
// running product in the same order as torch.cumprod).
func NewSchedule(T int, betaStart, betaEnd float64) *Schedule {
	ac := make([]float64, T)
	prod := 1.0
	for i := range ac {
		beta := betaStart
		if T > 1 {
			beta = linspaceAt(betaStart, betaEnd, T, i)
		}
		prod *= 1 - beta
		ac[i] = prod
	}
	return &Schedule{T: T, AlphasCumprod: ac}
}

// linspaceAt is element i of torch.linspace(a, b, n): PyTorch steps from the
// start for the first half and back from the end for the second, which
// keeps the end point exact.
func linspaceAt(a, b float64, n, i int) float64 {
	step := (b - a) / float64(n-1)
	if i < n/2 {
		return a + step*float64(i)
	}
	return b - step*float64(n-1-i)
}

// ScheduleFor returns the schedule in c.
func ScheduleFor(c *Config) *Schedule {
	return NewSchedule(c.TrainTimesteps, c.BetaStart, c.BetaEnd)
}

// Abar is ᾱ_t; t = −1 gives 1.
func (s *Schedule) Abar(t int) float64 {
	if t < 0 {
		return 1
	}
	return s.AlphasCumprod[t]
}

// Sigma is the k-diffusion noise level of timestep t, √((1−ᾱ)/ᾱ); t = −1 gives 0.
func (s *Schedule) Sigma(t int) float64 {
	a := s.Abar(t)
	return math.Sqrt((1 - a) / a)
}

// Timesteps returns the n model timesteps of "trailing" spacing,
// t_i = floor(T(n−i)/n + 1/2) − 1, computed exactly in integers as
// samplers.py does: n = 4, T = 1000 gives [999 749 499 249].
func (s *Schedule) Timesteps(n int) ([]int, error) {
	if n < 1 || n > s.T {
		return nil, fmt.Errorf("steps must be between 1 and %d, got %d", s.T, n)
	}
	ts := make([]int, n)
	for i := range ts {
		ts[i] = (2*s.T*(n-i)+n)/(2*n) - 1
	}
	return ts, nil
}
