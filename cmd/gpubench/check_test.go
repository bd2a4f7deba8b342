package main

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels/ref"
)

func TestSampleRows(t *testing.T) {
	for _, total := range []int{4096, 512, 130, 17} {
		rows := sampleRows(total, sampledRows)
		if len(rows) != sampledRows {
			t.Fatalf("total %d: %d rows, want %d", total, len(rows), sampledRows)
		}
		if !slices.IsSorted(rows) || len(slices.Compact(slices.Clone(rows))) != len(rows) {
			t.Errorf("total %d: rows not sorted and unique: %v", total, rows)
		}
		if rows[0] != 0 || rows[len(rows)-1] != total-1 || rows[0] < 0 {
			t.Errorf("total %d: first and last rows missing: %v", total, rows)
		}
		for _, edge := range []int{63, 64, 127, 128} {
			if edge < total && !slices.Contains(rows, edge) {
				t.Errorf("total %d: tile edge %d missing: %v", total, edge, rows)
			}
		}
	}
	if got := sampleRows(5, sampledRows); !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("5 rows: %v, want all of them", got)
	}
}

// TestSampledReference checks that the reference of sampled rows, built
// batch by batch from gathered input rows, equals the same rows of the
// full reference, and that pick takes the same rows of a result.
func TestSampledReference(t *testing.T) {
	const batch, m, n, k = 3, 7, 5, 4
	rng := rand.New(rand.NewPCG(1, 1))
	a := make([]float32, batch*m*k)
	w := make([]float32, batch*n*k)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range w {
		w[i] = rng.Float32()
	}
	full := ref.MatMul(a, w, batch, m, n, k, true, true)
	rows := []int{0, 6, 7, 13, 20}
	got := refRows(rows, a, m, k, func(bt int, x []float32, r int) []float32 {
		return ref.MatMul(x, w[bt*n*k:(bt+1)*n*k], 1, r, n, k, false, true)
	})
	c := check{rows: rows, rowLen: n, want: got}
	if want := c.pick(full); !slices.Equal(got, want) {
		t.Errorf("sampled reference %v,\nwant the full reference's rows %v", got, want)
	}
	if c.pick(full[:len(full)-1]) != nil {
		t.Error("pick of a short result did not return nil")
	}
	if c.String() != "5 rows" || (check{}).String() != "full" {
		t.Errorf("check names: %q, %q", c, check{})
	}
}
