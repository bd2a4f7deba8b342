//go:build js

package diffusion

import (
	"testing"

	"github.com/genplay/genplay/kernels/webgpu"
)

// These tests need WebGPU: run them with
//
//	GOOS=js GOARCH=wasm go test -exec=$PWD/scripts/dawn-exec ./models/diffusion/
//
// SwiftShader is slow, so the forward is one image (batch 1), not the
// golden's three.

// TestWebGPUForward runs the f32 UNet on WebGPU against PyTorch's eps for
// the first golden case (t = 999, class 7).
func TestWebGPUForward(t *testing.T) {
	b, u := loadOnWebGPU(t)
	const size = 1024
	eps, err := u.Forward(gold(t, "unet.x_t")[:size], ints(gold(t, "unet.t"))[:1], ints(gold(t, "unet.class"))[:1])
	if err != nil {
		t.Fatal(err)
	}
	e := nmse(eps, gold(t, "unet.eps")[:size])
	t.Logf("%s: UNet eps NMSE vs PyTorch %.3g", b.Name(), e)
	if e > 1e-4 {
		t.Errorf("WebGPU UNet eps NMSE %.3g > 1e-4", e)
	}
}

// TestWebGPURehearse compiles the UNet's kernels from Rehearse (webgpu
// Precompile, as the diffusion page does while it loads): a guided step
// (batch 2) and an unguided one (batch 1) then compile nothing more.
func TestWebGPURehearse(t *testing.T) {
	b, u := loadOnWebGPU(t)
	if err := b.Precompile(u.Rehearse, nil); err != nil {
		t.Fatal(err)
	}
	compiled := b.Pipelines()
	x := gold(t, "unet.x_t")[:1024]
	if _, _, _, err := u.GuidedEps(x, 500, 3, 2.5); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := u.GuidedEps(x, 20, u.Config.NullClass(), 2.5); err != nil {
		t.Fatal(err)
	}
	if n := b.Pipelines(); n != compiled {
		t.Errorf("Rehearse compiled %d pipelines, two steps needed %d", compiled, n)
	}
}

// loadOnWebGPU loads the test UNet on a new WebGPU backend; both are
// closed when the test ends.
func loadOnWebGPU(t *testing.T) (*webgpu.Backend, *UNet) {
	t.Helper()
	b, err := webgpu.New()
	if err != nil {
		t.Fatalf("webgpu.New: %v", err)
	}
	t.Cleanup(b.Close)
	u := loadTest(t, b)
	t.Cleanup(u.Close)
	return b, u
}
