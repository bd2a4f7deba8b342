package diffusion

import (
	"testing"

	"github.com/genplay/genplay/kernels"
)

// TestRehearseOnCPU runs Rehearse's two forward passes for real (on WebGPU
// they are only recorded).
func TestRehearseOnCPU(t *testing.T) {
	u := loadTest(t, kernels.NewCPU(1))
	defer u.Close()
	if err := u.Rehearse(); err != nil {
		t.Fatal(err)
	}
}
