//go:build js

package webgpu

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/kernels/wgpu"
	"github.com/genplay/genplay/weights/quant"
)

// These tests need WebGPU: run them with
//
//	GOOS=js GOARCH=wasm go test -exec=$PWD/scripts/dawn-exec ./kernels/webgpu/

var shared *Backend

func backend(t *testing.T) *Backend {
	t.Helper()
	if shared == nil {
		b, err := New(WithGuardBands())
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		shared = b
	}
	return shared
}

func TestAdapter(t *testing.T) {
	b := backend(t)
	t.Logf("adapter: %s; backend %s; zero-copy writes: %v", b.AdapterInfo(), b.Name(), wgpu.ZeroCopyWrites())
	l := b.Limits()
	t.Logf("limits: maxStorageBufferBindingSize %d, maxBufferSize %d, maxComputeWorkgroupsPerDimension %d",
		l.MaxStorageBufferBindingSize, l.MaxBufferSize, l.MaxComputeWorkgroupsPerDimension)
	if b.AdapterInfo() == "" || b.AdapterInfo() == "unknown adapter" {
		t.Errorf("AdapterInfo is empty")
	}
}

// TestSelftest runs the shared op table with guard bands on every output.
func TestSelftest(t *testing.T) {
	b := backend(t)
	for _, c := range selftest.Cases() {
		t.Run(c.Op+"/"+c.Shape, func(t *testing.T) {
			r := selftest.Run(b, c)
			if r.Err != nil || !r.Pass {
				t.Errorf("%v", r)
			} else {
				t.Logf("%v", r)
			}
		})
	}
	if err := b.Err(); err != nil {
		t.Fatalf("backend error after the table: %v", err)
	}
}

// TestLargeDispatch forces the 2-D grid: ScaleBias over more than
// 65535*256 values needs more than 65535 workgroups in x.
func TestLargeDispatch(t *testing.T) {
	b := backend(t)
	n := 65535*256 + 300_001
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i % 1001)
	}
	in, err := b.Upload("big", []int{n}, x)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(in)
	out := b.ScaleBias(in, 2, -1)
	defer b.Free(out)
	got, err := b.Download(out) // checks the guard band too
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, g := range got {
		if want := 2*x[i] - 1; g != want {
			if bad++; bad <= 5 {
				t.Errorf("out[%d] = %v, want %v", i, g, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d values wrong (the 2-D grid starts at %d)", bad, n, 65535*256)
	}
}

func TestShaderCompileError(t *testing.T) {
	b := backend(t)
	_, err := b.Device().CreateShaderModule(&wgpu.ShaderModuleDescriptor{
		Label: "broken",
		WGSL:  "@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }",
	})
	var se *wgpu.ShaderError
	if !errors.As(err, &se) {
		t.Fatalf("CreateShaderModule of bad WGSL: got %v, want a *wgpu.ShaderError", err)
	}
	if !strings.Contains(err.Error(), "undefined_thing") {
		t.Errorf("error does not carry the compiler's message: %v", err)
	}
	t.Logf("compile error: %v", err)
	if err := b.Err(); err != nil {
		t.Errorf("a captured compile error leaked into the device error: %v", err)
	}
}

func TestTensorTooLarge(t *testing.T) {
	b, err := New(WithMaxTensorBytes(1 << 20))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.Upload("too.big.weight", []int{512, 1024}, make([]float32, 512*1024))
	if err == nil || !strings.Contains(err.Error(), "too.big.weight") || !strings.Contains(err.Error(), "1048576") {
		t.Fatalf("Upload over the limit: got %v, want an error naming the tensor and the limit", err)
	}
	// An op output over the limit is a sticky error, reported by Download.
	x, err := b.Upload("x", []int{1, 1, 256, 256}, make([]float32, 256*256)) // 256 KiB
	if err != nil {
		t.Fatal(err)
	}
	big := b.Upsample2x(b.Upsample2x(x)) // 1 MiB, then 4 MiB
	_, err = b.Download(big)
	if err == nil || !strings.Contains(err.Error(), "upsample2x") || !strings.Contains(err.Error(), "1048576") {
		t.Fatalf("op output over the limit: got %v, want a sticky error naming the op and the limit", err)
	}
	t.Logf("too large: %v", err)
	if err := b.Err(); err == nil {
		t.Fatal("the error is not sticky")
	}
}

func TestGuardBandCatchesOverwrite(t *testing.T) {
	b := backend(t)
	x, err := b.Upload("x", []int{10}, make([]float32, 10))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free(x)
	out := b.ScaleBias(x, 1, 0).(*tensor)
	defer b.Free(out)
	// Simulate a kernel that writes one word too many.
	if err := b.queue.WriteBuffer(out.buf, out.bytes, []byte{0, 0, 0x80, 0x3f}); err != nil {
		t.Fatal(err)
	}
	_, err = b.Download(out)
	if err == nil || !strings.Contains(err.Error(), "scale_bias") {
		t.Fatalf("Download of an overwritten guard band: got %v, want an error naming scale_bias", err)
	}
}

// TestDownloadAll reads f32 tensors of awkward sizes (the readback slices
// are 256-byte aligned), an op output with its guard band, and Q8_0 and
// Q4_0 weights back in one map, and checks each against its source; a
// freed tensor among them is an error.
func TestDownloadAll(t *testing.T) {
	b := backend(t)
	rng := rand.New(rand.NewPCG(7, 8))
	var ts []kernels.Tensor
	var want [][]float32
	for _, n := range []int{1, 3, 64, 65, 1000} {
		x := make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()
		}
		tt, err := b.Upload("x", []int{n}, x)
		if err != nil {
			t.Fatal(err)
		}
		ts, want = append(ts, tt), append(want, x)
	}
	ts, want = append(ts, b.ScaleBias(ts[3], 2, 1)), append(want, ref.ScaleBias(want[3], 2, 1))
	for _, dt := range []quant.DType{quant.Q8_0, quant.Q4_0} {
		w := make([]float32, 96)
		for i := range w {
			w[i] = 2*rng.Float32() - 1
		}
		raw, err := quant.Quantize(dt, w)
		if err != nil {
			t.Fatal(err)
		}
		deq, _ := quant.Dequantize(dt, raw, len(w))
		tt, err := b.UploadRaw("w", []int{3, 32}, dt, raw)
		if err != nil {
			t.Fatal(err)
		}
		ts, want = append(ts, tt), append(want, deq)
	}
	defer func() {
		for _, tt := range ts {
			b.Free(tt)
		}
	}()
	got, err := b.DownloadAll(ts...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ts {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("tensor %d of %d: got %v, want %v", i, len(ts), got[i], want[i])
		}
	}
	gone, _ := b.Upload("gone", []int{2}, []float32{1, 2})
	b.Free(gone)
	if _, err := b.DownloadAll(ts[0], gone); err == nil || !strings.Contains(err.Error(), "freed") {
		t.Errorf("DownloadAll with a freed tensor: %v, want an error saying so", err)
	}
}

func TestDeviceLostIsSticky(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	x, err := b.Upload("x", []int{4}, []float32{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := b.Download(b.SiLU(x)); err == nil {
		t.Fatal("Download on a destroyed device succeeded")
	}
	_ = b.Sync() // lets the device.lost promise settle
	if err := b.Err(); err == nil || !strings.Contains(err.Error(), "device lost") {
		t.Fatalf("Err after losing the device: got %v, want a device lost error", err)
	}
	if _, err := b.Download(x); err == nil || !strings.Contains(err.Error(), "device lost") {
		t.Fatalf("Download after losing the device: got %v, want the sticky device lost error", err)
	}
}

func TestUncapturedErrorIsSticky(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// MAP_READ may only be combined with COPY_DST: a validation error that
	// nobody captures, which must still reach Err.
	if _, err := b.Device().CreateBuffer(&wgpu.BufferDescriptor{Label: "bad", Size: 16, Usage: wgpu.BufferUsageMapRead | wgpu.BufferUsageStorage}); err != nil {
		t.Logf("CreateBuffer: %v", err)
	}
	_ = b.Sync()
	if err := b.Err(); err == nil || !strings.Contains(err.Error(), "validation") {
		t.Fatalf("Err after an uncaptured validation error: got %v", err)
	} else {
		t.Logf("sticky: %v", err)
	}
}
