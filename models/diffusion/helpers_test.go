package diffusion

import (
	"math"
	"sync"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
)

// Test data, made by train/export.py and `genplay quantize --type f32`:
// testdata/unet-f32.gguf is the exported UNet, testdata/golden.safetensors
// the PyTorch outputs of exactly those weights (see train/export.py).
const (
	testModel  = "testdata/unet-f32.gguf"
	testGolden = "testdata/golden.safetensors"
)

var (
	goldenOnce sync.Once
	goldenST   *weights.Safetensors
	goldenErr  error
	modelOnce  sync.Once
	modelFile  *weights.File
	modelErr   error
)

func golden(t testing.TB) *weights.Safetensors {
	t.Helper()
	goldenOnce.Do(func() { goldenST, goldenErr = weights.OpenSafetensors(testGolden) })
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return goldenST
}

// gold returns the golden tensor called name.
func gold(t testing.TB, name string) []float32 {
	t.Helper()
	st := golden(t).Tensor(name)
	if st == nil {
		t.Fatalf("golden tensor %s missing", name)
	}
	return st.Data
}

func testFile(t testing.TB) *weights.File {
	t.Helper()
	modelOnce.Do(func() { modelFile, modelErr = weights.OpenFile(testModel) })
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	return modelFile
}

func loadTest(t testing.TB, b kernels.Backend) *UNet {
	t.Helper()
	u, err := Load(b, testFile(t))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// nmse is sum((got-want)^2) / sum(want^2).
func nmse(got, want []float32) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var e, r float64
	for i := range got {
		d := float64(got[i]) - float64(want[i])
		e += d * d
		r += float64(want[i]) * float64(want[i])
	}
	if r == 0 {
		if e == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return e / r
}

func ints(f []float32) []int {
	out := make([]int, len(f))
	for i, v := range f {
		out[i] = int(v)
	}
	return out
}
