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
	b, err := webgpu.New()
	if err != nil {
		t.Fatalf("webgpu.New: %v", err)
	}
	defer b.Close()
	u := loadTest(t, b)
	defer u.Close()
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
