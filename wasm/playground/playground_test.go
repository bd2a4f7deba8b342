package playground

import (
	"bytes"
	"context"
	"errors"
	"image/gif"
	"image/png"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/weights"
)

// The UNet that models/diffusion's tests use (exported by train/export.py).
const testModel = "../../models/diffusion/testdata/unet-f32.gguf"

func loadModel(t *testing.T) *diffusion.UNet {
	t.Helper()
	f, err := weights.OpenFile(testModel)
	if err != nil {
		t.Fatalf("test model (committed under models/diffusion/testdata): %v", err)
	}
	u, err := diffusion.Load(kernels.NewCPU(1), f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.Close)
	return u
}

func testConfig() *diffusion.Config {
	return &diffusion.Config{NumClasses: 3, ClassNames: []string{"Sneaker", "Bag", "Ankle boot"}, TrainTimesteps: 1000}
}

func TestApplyRoundTrip(t *testing.T) {
	cfg := testConfig()
	s := Settings{Model: "fashion", Class: "bag", Seed: 18446744073709551615, Steps: 7, Sampler: diffusion.EulerA, Guidance: 2.5,
		Branch: &Branch{At: 3, Seed: 9, Sampler: diffusion.DPMPP2M, Guidance: 0}}
	got, err := Defaults().Apply(s.Query(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Query().Encode() != s.Query().Encode() || *got.Branch != *s.Branch {
		t.Fatalf("round trip:\n got %v %+v\nwant %v %+v", got.Query(), got.Branch, s.Query(), s.Branch)
	}
}

func TestApplyRefusesBadInput(t *testing.T) {
	cfg := testConfig()
	prev := Defaults()
	prev.Class = "bag"
	for _, tc := range []struct{ key, val, msg string }{
		{KeyClass, "spaceship", "unknown class"},
		{KeySteps, "0", "between 1 and 1000"},
		{KeySteps, "1001", "between 1 and 1000"},
		{KeySteps, "ten", "not a whole number"},
		{KeySeed, "4x2", "not a number"},
		{KeySeed, "-1", "not a number"},
		{KeyGuidance, "-1", "between 0 and"},
		{KeyGuidance, "NaN", "between 0 and"},
		{KeySampler, "plms", "unknown sampler"},
		{KeyBranchAt, "20", "branch"},
	} {
		got, err := prev.Apply(url.Values{tc.key: {tc.val}}, cfg)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s=%q: error %v, want one containing %q", tc.key, tc.val, err, tc.msg)
		}
		if got.Query().Encode() != prev.Query().Encode() {
			t.Errorf("%s=%q: settings changed to %v", tc.key, tc.val, got.Query())
		}
	}
	// Without a model the class is not checked yet.
	if _, err := prev.Apply(url.Values{KeyClass: {"spaceship"}}, nil); err != nil {
		t.Errorf("class before the model loaded: %v", err)
	}
}

func TestGateStepOnce(t *testing.T) {
	g := NewGate()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := g.Wait(ctx); err != nil {
		t.Fatalf("open gate: %v", err)
	}
	g.StepOnce()
	if err := g.Wait(ctx); err != nil {
		t.Fatalf("granted step: %v", err)
	}
	short, cancelShort := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancelShort()
	if err := g.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("paused gate let a step through: %v", err)
	}
	done := make(chan error)
	go func() { done <- g.Wait(ctx) }()
	g.Resume()
	if err := <-done; err != nil {
		t.Fatalf("resumed: %v", err)
	}
}

// TestRunBranchMatchesBase: DDIM with eta 0 is deterministic, so a branch
// that keeps the sampler and guidance must end on the base run's image,
// whether it starts from recorded frames or replays the base itself (a
// share link).
func TestRunBranchMatchesBase(t *testing.T) {
	u := loadModel(t)
	cfg := u.Config
	s := Settings{Class: "sneaker", Seed: 5, Steps: 4, Sampler: diffusion.DDIM, Guidance: 3}
	var frames []Frame
	want, err := Run(context.Background(), u, cfg, s, nil, NewGate(), func(f Frame) { frames = append(frames, f) })
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 4 || frames[3].Step != 4 || frames[3].Total != 4 {
		t.Fatalf("frames: %d, last %+v", len(frames), frames[len(frames)-1].Step)
	}
	b := s
	b.Branch = &Branch{At: 1, Seed: 77, Sampler: diffusion.DDIM, Guidance: 3}
	for _, from := range [][]Frame{frames, nil} {
		var steps []int
		got, err := Run(context.Background(), u, cfg, b, from, NewGate(), func(f Frame) { steps = append(steps, f.Step) })
		if err != nil {
			t.Fatal(err)
		}
		wantSteps := []int{3, 4}
		if from == nil {
			wantSteps = []int{1, 2, 3, 4}
		}
		if len(steps) != len(wantSteps) || steps[0] != wantSteps[0] {
			t.Errorf("from %d frames: steps %v, want %v", len(from), steps, wantSteps)
		}
		if d := maxDiff(got, want); d > 1e-6 {
			t.Errorf("from %d frames: branch differs from the base by %g", len(from), d)
		}
	}
	// The k-diffusion samplers keep a scaled state: a branch that switches
	// to one must still land on a clean image, near the base's.
	for _, name := range []string{diffusion.EulerA, diffusion.DPMPP2M} {
		b.Branch = &Branch{At: 2, Seed: 1, Sampler: name, Guidance: 3}
		got, err := Run(context.Background(), u, cfg, b, frames, NewGate(), func(Frame) {})
		if err != nil {
			t.Fatal(err)
		}
		if d := meanDiff(got, want); d > 0.1 {
			t.Errorf("branch to %s at the last step: mean difference %g from the base", name, d)
		}
	}
}

func TestRunStops(t *testing.T) {
	u := loadModel(t)
	ctx, cancel := context.WithCancel(context.Background())
	g := NewGate()
	g.StepOnce() // pause after one step
	n := 0
	done := make(chan error)
	go func() {
		_, err := Run(ctx, u, u.Config, Settings{Class: "bag", Steps: 5, Sampler: diffusion.DDPM, Guidance: 1}, nil, g, func(Frame) { n++ })
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped run: %v", err)
	}
	if n != 1 {
		t.Fatalf("%d steps ran while paused after one", n)
	}
}

func TestExport(t *testing.T) {
	x := make([]float32, 8*8)
	for i := range x {
		x[i] = float32(i)/32 - 1
	}
	p, err := PNG(x, 1, 8)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil || img.Bounds().Dx() != 8*ExportScale {
		t.Fatalf("png: %v, %v", err, img.Bounds())
	}
	if r, _, _, _ := img.At(8*ExportScale-1, 8*ExportScale-1).RGBA(); r>>8 != uint32(diffusion.Pixel(x[63])) {
		t.Errorf("last pixel %d, want %d", r>>8, diffusion.Pixel(x[63]))
	}
	frames := []Frame{{Step: 1, X: x, X0: x}, {Step: 2, X: x, X0: x}}
	g, err := GIF(frames, 1, 8)
	if err != nil {
		t.Fatal(err)
	}
	anim, err := gif.DecodeAll(bytes.NewReader(g))
	if err != nil || len(anim.Image) != 2 {
		t.Fatalf("gif: %v, %d frames", err, len(anim.Image))
	}
	if _, err := GIF(nil, 1, 8); err == nil {
		t.Error("GIF of no frames: no error")
	}
	pix := Panels(nil, Frame{X: x, X0: x, Eps: x}, 1, 8)
	w, h := PanelsSize(8)
	if len(pix) != w*h*4 || pix[3] != 0xff || pix[8*4+3] != 0 {
		t.Errorf("panels: %d bytes, alpha %d and gap alpha %d", len(pix), pix[3], pix[8*4+3])
	}
}

func maxDiff(a, b []float32) float64 {
	d := math.Inf(1)
	if len(a) == len(b) {
		d = 0
		for i := range a {
			d = math.Max(d, math.Abs(float64(a[i]-b[i])))
		}
	}
	return d
}

func meanDiff(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.Inf(1)
	}
	s := 0.0
	for i := range a {
		s += math.Abs(float64(a[i] - b[i]))
	}
	return s / float64(len(a))
}
