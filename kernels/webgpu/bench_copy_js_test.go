//go:build js

package webgpu

import (
	"testing"

	"github.com/genplay/genplay/kernels"
)

// TestBenchCopy checks the benchmark copies (cmd/gpubench's bandwidth
// yardstick): both copy every word, the kernel also past one grid's worth
// (so its stride loop runs twice for some invocations), and sizes that do
// not fit are errors.
func TestBenchCopy(t *testing.T) {
	b := backend(t)
	upload := func(n int, sign float32) kernels.Tensor {
		x := make([]float32, n)
		for i := range x {
			x[i] = sign * (float32(i%9973) + 0.25)
		}
		tt, err := b.Upload("copy", []int{n}, x)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	for _, words := range []int{1, 1000, copyGroups*256 + 5} {
		n := 4 * words
		src := upload(n, 1)
		for name, copyFn := range map[string]func(dst, src kernels.Tensor) error{"kernel": b.BenchCopy, "copyBufferToBuffer": b.BenchCopyBuffer} {
			dst := upload(n, -1)
			if err := copyFn(dst, src); err != nil {
				t.Fatalf("%s, %d words: %v", name, words, err)
			}
			got, err := b.Download(dst)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range got {
				if want := float32(i%9973) + 0.25; v != want {
					t.Fatalf("%s, %d words: value %d is %v, want %v", name, words, i, v, want)
				}
			}
			b.Free(dst)
		}
		b.Free(src)
	}
	short, odd := upload(8, 1), upload(6, 1)
	long := upload(12, 1)
	defer func() { b.Free(short); b.Free(odd); b.Free(long) }()
	if err := b.BenchCopy(long, short); err == nil {
		t.Error("copy between different sizes: no error")
	}
	if err := b.BenchCopyBuffer(odd, odd); err == nil {
		t.Error("copy of 24 bytes (not a multiple of 16): no error")
	}
	if err := b.Err(); err != nil {
		t.Fatalf("sticky error after the copies: %v", err)
	}
}
