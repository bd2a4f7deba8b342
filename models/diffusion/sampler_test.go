package diffusion

import (
	"slices"
	"strings"
	"testing"
)

func TestTimesteps(t *testing.T) {
	s := NewSchedule(1000, 1e-4, 0.02)
	for _, c := range []struct {
		n    int
		want []int
	}{
		{1, []int{999}},
		{4, []int{999, 749, 499, 249}},
		{3, []int{999, 666, 332}},
	} {
		got, err := s.Timesteps(c.n)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Timesteps(%d) = %v, %v; want %v", c.n, got, err, c.want)
		}
	}
	// Halves round up: 1000*13/16 = 812.5 -> 813 - 1 (round-half-even would give 811).
	if ts, _ := s.Timesteps(16); ts[3] != 812 {
		t.Errorf("Timesteps(16)[3] = %d, want 812", ts[3])
	}
	ts, _ := s.Timesteps(50)
	if ts[0] != 999 || ts[1] != 979 || ts[49] != 19 {
		t.Errorf("Timesteps(50) = %v..., want 999, 979, ..., 19", ts[:3])
	}
	ts, _ = s.Timesteps(1000)
	if ts[0] != 999 || ts[999] != 0 {
		t.Errorf("Timesteps(1000) runs %d..%d, want 999..0", ts[0], ts[999])
	}
	for _, n := range []int{0, -1, 1001} {
		if _, err := s.Timesteps(n); err == nil {
			t.Errorf("Timesteps(%d) gave no error", n)
		}
	}
}

// TestSchedule pins ᾱ at both ends against float64 PyTorch values.
func TestSchedule(t *testing.T) {
	s := NewSchedule(1000, 1e-4, 0.02)
	if got := s.Abar(0); got != 1-1e-4 {
		t.Errorf("abar(0) = %v", got)
	}
	// torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=float64))[-1]
	if got, want := s.Abar(999), 4.035829765375676e-05; abs(got-want) > 1e-15 {
		t.Errorf("abar(999) = %.16g, want %.16g", got, want)
	}
	if s.Abar(-1) != 1 || s.Sigma(-1) != 0 {
		t.Errorf("abar(-1), sigma(-1) = %v, %v; want 1, 0", s.Abar(-1), s.Sigma(-1))
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestSamplersGolden replays each PyTorch 4-step trajectory with its recorded
// eps and noise: every model input, state, x0 and the final sample must match.
func TestSamplersGolden(t *testing.T) {
	const n, size = 4, 1024
	sched := NewSchedule(1000, 1e-4, 0.02)
	for _, c := range []struct {
		golden, name string
		eta          float64
	}{
		{"ddim", DDIM, 0}, {"ddim_eta1", DDIM, 1}, {"ddpm", DDPM, 0},
		{"euler_a", EulerA, 0}, {"dpmpp_2m", DPMPP2M, 0},
	} {
		t.Run(c.golden, func(t *testing.T) {
			s, err := NewSampler(c.name, n, c.eta, sched)
			if err != nil {
				t.Fatal(err)
			}
			if got := ints(gold(t, c.golden+".timesteps")); !slices.Equal(got, s.Timesteps()) {
				t.Fatalf("timesteps %v, golden %v", s.Timesteps(), got)
			}
			xs, eps, x0s, noise := gold(t, c.golden+".x"), gold(t, c.golden+".eps"), gold(t, c.golden+".x0"), gold(t, c.golden+".noise")
			ins := xs
			if s.kdiffusion() {
				ins = gold(t, c.golden+".x_in")
			}
			worst := 0.0
			check := func(what string, got, want []float32) {
				e := nmse(got, want)
				worst = max(worst, e)
				if e > 1e-8 {
					t.Errorf("%s: NMSE %.3g", what, e)
				}
			}
			x := s.Start(gold(t, c.golden+".x_T"))
			for i := 0; i < n; i++ {
				part := func(v []float32) []float32 { return v[i*size : (i+1)*size] }
				check("state x "+itoa(i), x, part(xs))
				check("model input "+itoa(i), s.ModelInput(i, x), part(ins))
				var z []float32
				if s.Stochastic() {
					z = part(noise)
				}
				var x0 []float32
				x, x0 = s.Step(i, x, part(eps), z)
				check("x0 "+itoa(i), x0, part(x0s))
			}
			check("final sample", x, gold(t, c.golden+".out"))
			check("final model input", s.ModelInput(n, x), gold(t, c.golden+".out"))
			t.Logf("worst NMSE %.3g", worst)
		})
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestParseSampler(t *testing.T) {
	for in, want := range map[string]string{"DDIM": DDIM, "euler-a": EulerA, "dpm++2m": DPMPP2M, " ddpm ": DDPM} {
		if got, err := ParseSampler(in); err != nil || got != want {
			t.Errorf("ParseSampler(%q) = %q, %v", in, got, err)
		}
	}
	_, err := ParseSampler("plms")
	if err == nil || !strings.Contains(err.Error(), "ddpm, ddim, euler_a, dpmpp_2m") {
		t.Errorf("ParseSampler(plms) error %v does not list the samplers", err)
	}
	sched := NewSchedule(1000, 1e-4, 0.02)
	if _, err := NewSampler(DDPM, 10, 0.5, sched); err == nil {
		t.Errorf("eta with ddpm accepted")
	}
	if _, err := NewSampler(DDIM, 10, -0.5, sched); err == nil {
		t.Errorf("negative eta accepted")
	}
}
