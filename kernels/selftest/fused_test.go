package selftest_test

import (
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/selftest"
)

// TestFusedFallbacks runs the fused-op cases on a backend that hides the
// optional fused ops, so they take the unfused paths, and on one with them.
func TestFusedFallbacks(t *testing.T) {
	for name, b := range map[string]kernels.Backend{
		"fused":   kernels.NewCPU(1),
		"unfused": struct{ kernels.Backend }{kernels.NewCPU(1)},
	} {
		n := 0
		for _, c := range selftest.Cases() {
			if !fusedOps[strings.Split(c.Op, "/")[0]] {
				continue
			}
			n++
			if r := selftest.Run(b, c); !r.Pass {
				t.Errorf("%s: %s", name, r)
			}
		}
		if n < 27 {
			t.Errorf("%s: %d fused-op cases, want at least 27", name, n)
		}
	}
}

// fusedOps are the ops of kernels/fused.go.
var fusedOps = map[string]bool{"RMSNormMatMul": true, "RMSNormSwiGLU": true, "GroupNormSiLU": true, "AddChannels": true, "MatMulAdd": true, "MatMulGated": true, "AppendRows": true, "Conv2dAdd": true, "Conv2dAddChannels": true, "SplitQKV": true, "SwiGLU": true}
