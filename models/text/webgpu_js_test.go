//go:build js

package text

import (
	"testing"

	"github.com/genplay/genplay/kernels/webgpu"
)

// TestWebGPUForwardMatchesPyTorch runs the golden models on WebGPU: in Node
// with Dawn on SwiftShader,
//
//	GOOS=js GOARCH=wasm go test -exec=$PWD/scripts/dawn-exec -run WebGPU ./models/text/
func TestWebGPUForwardMatchesPyTorch(t *testing.T) {
	b, err := webgpu.New()
	if err != nil {
		t.Fatalf("webgpu.New: %v", err)
	}
	t.Logf("backend: %s", b.Name())
	for _, name := range []string{"gpt2", "llama"} {
		t.Run(name, func(t *testing.T) {
			m := loadTestModel(t, b, name)
			defer m.Close()
			checkGolden(t, m, name, 1e-4)
			if err := b.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
