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

// FuzzParseTiles: any -tiles string is read or refused, never a panic, and
// what is read prints back as it was written.
func FuzzParseTiles(f *testing.F) {
	for _, s := range []string{"16x8x8x16", "8x4x4x8p", "", "x", "1x1x1x1pp", "+1x2x3x4", "99999999999999999999x1x1x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tiles, err := ParseTiles(s)
		if err != nil {
			return
		}
		if tiles.WG <= 0 || tiles.TM <= 0 || tiles.TN <= 0 || tiles.TK <= 0 {
			t.Fatalf("ParseTiles(%q) = %v: a size not positive", s, tiles)
		}
		if back, err := ParseTiles(tiles.String()); err != nil || back != tiles {
			t.Fatalf("ParseTiles(%q) = %v, which reads back as %v, %v", s, tiles, back, err)
		}
	})
}

// TestParseMatVec: gpubench's -matvec spelling round-trips; lanes that
// are not a power of two, and anything else, are refused.
func TestParseMatVec(t *testing.T) {
	for _, s := range []string{"32x8", "16x16", "1x3", "64x4"} {
		m, err := ParseMatVec(s)
		if err != nil || m.String() != s {
			t.Errorf("ParseMatVec(%q) = %v, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "32", "24x8", "32x0", "0x8", "32x8x1", "32x-8", "+32x8", "32 x8", "32x8p"} {
		if m, err := ParseMatVec(s); err == nil {
			t.Errorf("ParseMatVec(%q) = %v, want an error", s, m)
		}
	}
}

// FuzzParseMatVec: any -matvec string is read or refused, never a panic,
// and what is read is a valid shape that prints back as written.
func FuzzParseMatVec(f *testing.F) {
	for _, s := range []string{"32x8", "x", "3x3", "-1x4", "99999999999999999999x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatVec(s)
		if err != nil {
			return
		}
		if m.Lanes <= 0 || m.Lanes&(m.Lanes-1) != 0 || m.Rows <= 0 {
			t.Fatalf("ParseMatVec(%q) = %v: not a valid shape", s, m)
		}
		if back, err := ParseMatVec(m.String()); err != nil || back != m {
			t.Fatalf("ParseMatVec(%q) = %v, which reads back as %v, %v", s, m, back, err)
		}
	})
}
