package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Checking a case against kernels/ref. The reference is naive Go with
// float64 accumulation and runs at about 0.15 GMAC/s in wasm, so a full
// check of a 4096^3 matmul would take 8 minutes. Cases whose output rows
// are independent (matmuls: row i needs only row i of A) are therefore
// checked on sampledRows rows when the reference is bigger than
// fullCheckMACs: the reference of those rows alone, against the same rows
// of our result (and tfjs's), with the same NMSE bound. Every column of a
// sampled row is compared.
const (
	fullCheckMACs = 1 << 28 // about 2 s of reference in wasm
	sampledRows   = 16
)

// check is the reference a result is compared with: all of it, or some
// rows of it.
type check struct {
	rows   []int // sampled output rows, in order; nil for a full check
	rowLen int
	want   []float32
}

func (c check) String() string {
	if c.rows == nil {
		return "full"
	}
	return fmt.Sprintf("%d rows", len(c.rows))
}

// pick returns what of out the check compares: all of it, or its sampled
// rows concatenated (nil when out is too short, which NMSE reports).
func (c check) pick(out []float32) []float32 {
	if c.rows == nil {
		return out
	}
	got := make([]float32, 0, len(c.rows)*c.rowLen)
	for _, r := range c.rows {
		if (r+1)*c.rowLen > len(out) {
			return nil
		}
		got = append(got, out[r*c.rowLen:(r+1)*c.rowLen]...)
	}
	return got
}

// sampleRows picks count of total rows, sorted: the first and last two,
// the middle, the edges of the 64- and 128-row tiles the matmul kernels
// use (the last rows are in a partial tile whenever the tile does not
// divide total), and seeded random rows for the rest, so that every
// position within a tile can come up.
func sampleRows(total, count int) []int {
	if total <= count {
		all := make([]int, total)
		for i := range all {
			all[i] = i
		}
		return all
	}
	var rows []int
	add := func(r int) {
		if r >= 0 && r < total && len(rows) < count && !slices.Contains(rows, r) {
			rows = append(rows, r)
		}
	}
	for _, r := range []int{0, total - 1, 1, total - 2, total / 2, 63, 64, 127, 128} {
		add(r)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for len(rows) < count {
		add(rng.IntN(total))
	}
	slices.Sort(rows)
	return rows
}

// refRows runs a row-wise reference on some rows of a [batch*m, k] input
// a: rows are indices into its batch*m rows, sorted; ref gets the batch
// index and the gathered rows of one batch entry (r of them) and returns
// their r output rows. The outputs come back concatenated in rows' order.
func refRows(rows []int, a []float32, m, k int, ref func(batch int, a []float32, r int) []float32) []float32 {
	var out []float32
	for i := 0; i < len(rows); {
		bt := rows[i] / m
		var in []float32
		j := i
		for ; j < len(rows) && rows[j]/m == bt; j++ {
			in = append(in, a[rows[j]*k:(rows[j]+1)*k]...)
		}
		out = append(out, ref(bt, in, j-i)...)
		i = j
	}
	return out
}
