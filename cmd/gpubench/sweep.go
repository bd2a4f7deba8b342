package main

import (
	"fmt"
	"strings"

	"github.com/genplay/genplay/kernels/webgpu"
)

// A variant is a kernel shape fixed by -tiles or -matvec for one pass
// over the cases.
type variant struct {
	opt     webgpu.Option
	tag     string                 // the shape, added to the rows it changes
	label   string                 // printed above its table
	changes func(name string) bool // which cases' kernels the shape is for
}

// sweep makes the variants of -tiles or -matvec; nil alone stands for the
// backend's own choice.
func sweep(tiles, matvec string) ([]*variant, error) {
	if tiles != "" && matvec != "" {
		return nil, fmt.Errorf("-tiles and -matvec: sweep one at a time")
	}
	flag, list, parse := "-tiles", tiles, tilesVariant
	if matvec != "" {
		flag, list, parse = "-matvec", matvec, matvecVariant
	}
	if list == "" {
		return []*variant{nil}, nil
	}
	var out []*variant
	for _, f := range strings.Split(list, ",") {
		v, err := parse(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func tilesVariant(s string) (*variant, error) {
	t, err := webgpu.ParseTiles(s)
	if err != nil {
		return nil, err
	}
	return &variant{opt: webgpu.WithMatMulTiles(t), tag: t.String(),
		label: fmt.Sprintf("tiles: f32 matmul fixed at %v (WGxTMxTNxTK, p: pipelined)", t),
		changes: func(name string) bool {
			return strings.HasPrefix(name, "matmul f32") || strings.HasPrefix(name, "conv2d")
		}}, nil
}

func matvecVariant(s string) (*variant, error) {
	m, err := webgpu.ParseMatVec(s)
	if err != nil {
		return nil, err
	}
	return &variant{opt: webgpu.WithMatVec(m), tag: m.String(),
		label: fmt.Sprintf("matvec: a GPU's matrix-vector product fixed at %v (LANESxROWS; a software adapter keeps its own kernel)", m),
		changes: func(name string) bool { // the decode cases, M = 1
			return strings.HasPrefix(name, "matmul") && strings.Contains(name, " 1x")
		}}, nil
}
