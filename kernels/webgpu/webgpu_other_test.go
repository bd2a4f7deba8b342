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

// TestParseTiles checks that gpubench's -tiles spelling round-trips and
// that anything else is refused rather than half read.
func TestParseTiles(t *testing.T) {
	for _, s := range []string{"16x8x8x16", "8x4x8x32p", "16x4x4x8"} {
		tiles, err := ParseTiles(s)
		if err != nil || tiles.String() != s {
			t.Errorf("ParseTiles(%q) = %v, %v", s, tiles, err)
		}
	}
	if got, _ := ParseTiles("16x8x8x8p"); got != (Tiles{WG: 16, TM: 8, TN: 8, TK: 8, Pipe: true}) {
		t.Errorf("ParseTiles(16x8x8x8p) = %+v", got)
	}
	for _, s := range []string{"", "16x8x8", "16x8x8x16q", "16x8x8x16 p", "16x8x8x16pp", "ax8x8x16", "16x8x8x16x4"} {
		if tiles, err := ParseTiles(s); err == nil {
			t.Errorf("ParseTiles(%q) = %v, want an error", s, tiles)
		}
	}
}
