package diffusion

import (
	"testing"

	"github.com/genplay/genplay/kernels"
)

// TestUNetGolden runs the f32 UNet on the CPU backend against PyTorch: three
// (x_t, t, class) cases, the last one unconditional.
func TestUNetGolden(t *testing.T) {
	u := loadTest(t, kernels.NewCPU(2))
	defer u.Close()
	eps, err := u.Forward(gold(t, "unet.x_t"), ints(gold(t, "unet.t")), ints(gold(t, "unet.class")))
	if err != nil {
		t.Fatal(err)
	}
	e := nmse(eps, gold(t, "unet.eps"))
	t.Logf("UNet eps NMSE vs PyTorch: %.3g", e)
	if e > 1e-5 {
		t.Errorf("UNet eps NMSE %.3g > 1e-5", e)
	}
}

// BenchmarkForward times one guided step's UNet call (batch 2) on the CPU.
func BenchmarkForward(b *testing.B) {
	u := loadTest(b, kernels.NewCPU(2))
	defer u.Close()
	x := gold(b, "ddim.x_T")
	for b.Loop() {
		if _, _, _, err := u.GuidedEps(x, 999, 7, 3); err != nil {
			b.Fatal(err)
		}
	}
}
