//go:build !js

package webgpu

import (
	"errors"
	"testing"
)

func TestNewWithoutWebGPU(t *testing.T) {
	b, err := New()
	if b != nil || !errors.Is(err, ErrNoWebGPU) {
		t.Fatalf("New natively: got %v, %v; want nil and an error wrapping ErrNoWebGPU", b, err)
	}
}
