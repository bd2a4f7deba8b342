//go:build js

package main

import (
	"errors"
	"fmt"

	"github.com/genplay/genplay/kernels"
)

// copier is the WebGPU backend's benchmark-only buffer copies
// (kernels/webgpu bench_copy_js.go): in place, so that a timed sample of
// many copies allocates nothing.
type copier interface {
	BenchCopy(dst, src kernels.Tensor) error
	BenchCopyBuffer(dst, src kernels.Tensor) error
}

// copyCase copies size bytes from one buffer to another, with the WGSL
// copy kernel (vec4, grid-stride) or with copyBufferToBuffer. Its GB/s
// count the bytes read plus the bytes written; the kernel's is the
// yardstick of the bandwidth-bound rows (issue #5: the Q8_0 matrix-vector
// product at 60% of it). tfjs has no equivalent.
func copyCase(size int, kernel bool) benchCase {
	name := "copyBufferToBuffer"
	if kernel {
		name = "copy kernel"
	}
	return benchCase{
		name:      fmt.Sprintf("%s %d MiB", name, size>>20),
		bytes:     2 * float64(size),
		yardstick: kernel,
		setup: func(b kernels.Backend) (*prepared, error) {
			c, ok := b.(copier)
			if !ok {
				return nil, fmt.Errorf("backend %s has no benchmark copies", b.Name())
			}
			copyOnce := c.BenchCopyBuffer
			if kernel {
				copyOnce = c.BenchCopy
			}
			// Source values are a function of the index, so the check
			// needs no second copy of a 256 MiB buffer on the host; the
			// destination starts as their negation.
			n := size / 4
			want := func(i int) float32 { return float32(i%65521) + 0.5 }
			x := make([]float32, n)
			for i := range x {
				x[i] = want(i)
			}
			src, err := b.Upload("copy src", []int{n}, x)
			if err != nil {
				return nil, err
			}
			for i := range x {
				x[i] = -x[i]
			}
			dst, err := b.Upload("copy dst", []int{n}, x)
			if err != nil {
				b.Free(src)
				return nil, err
			}
			return &prepared{
				verify: func() error {
					if err := copyOnce(dst, src); err != nil {
						return err
					}
					got, err := b.Download(dst)
					if err != nil {
						return err
					}
					for i, v := range got {
						if v != want(i) {
							return fmt.Errorf("word %d is %v, want %v: the copy is wrong", i, v, want(i))
						}
					}
					if len(got) != n {
						return errors.New("the copy came back short")
					}
					return nil
				},
				// A size mismatch, the only error, was caught by verify.
				timed: func() { _ = copyOnce(dst, src) },
				free:  func() { b.Free(src); b.Free(dst) },
			}, nil
		},
	}
}
