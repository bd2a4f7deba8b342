package webgpu

import (
	"encoding/binary"
	"testing"
)

func TestProfileReport(t *testing.T) {
	var p profile
	if p.timing != "" {
		t.Errorf("a new profile's timing is %q", p.timing)
	}
	p.add(cost{kernel: "silu", bytes: 800})
	p.add(cost{kernel: "matmul", flops: 2e6, bytes: 1e3})
	p.time("matmul", 2, TimingTimestamps) // arrives after its dispatch
	p.add(cost{kernel: "matmul", flops: 2e6, bytes: 1e3})
	p.add(cost{kernel: "silu", bytes: 800})
	p.add(cost{kernel: "add", bytes: 1200})
	if p.timing != TimingTimestamps {
		t.Errorf("timing %q after a timestamped dispatch", p.timing)
	}
	r := p.report()
	want := []string{"matmul", "silu", "add"} // time first, then dispatches
	if len(r) != len(want) {
		t.Fatalf("report has %d kernels, want %d: %+v", len(r), len(want), r)
	}
	for i, k := range want {
		if r[i].Kernel != k {
			t.Errorf("report[%d] is %q, want %q (%+v)", i, r[i].Kernel, k, r)
		}
	}
	mm := r[0]
	if mm.Dispatches != 2 || mm.Timed != 1 || mm.Ms != 2 || mm.FLOPs != 4e6 {
		t.Errorf("matmul stat %+v, want 2 dispatches, 1 timed, 2 ms, 4e6 FLOPs", mm)
	}
	// One timed dispatch of 2e6 FLOPs in 2 ms is 1 GFLOP/s.
	if g := mm.GFLOPs(); g != 1 {
		t.Errorf("matmul GFLOP/s %g, want 1", g)
	}
	if g := r[1].GBs(); g != 0 {
		t.Errorf("untimed silu GB/s %g, want 0", g)
	}
	if n := TotalDispatches(r); n != 5 {
		t.Errorf("TotalDispatches %d, want 5", n)
	}
}

func TestKernelName(t *testing.T) {
	for in, want := range map[string]string{
		"matvec[AT=vec4f LANES=32 Q8=1]": "matvec",
		"silu":                           "silu",
		"":                               "",
	} {
		if got := kernelName(in); got != want {
			t.Errorf("kernelName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPassNs(t *testing.T) {
	for _, c := range []struct {
		begin, end, ns uint64
		ok             bool
	}{
		{1000, 3500, 2500, true},
		{7, 7, 0, true},        // quantized to one tick: a real, short time
		{0, 0, 0, false},       // not written
		{5000, 4000, 0, false}, // out of order
		{0, 100, 100, true},    // a clock that starts at 0
	} {
		ns, ok := passNs(c.begin, c.end)
		if ns != c.ns || ok != c.ok {
			t.Errorf("passNs(%d, %d) = %d, %v; want %d, %v", c.begin, c.end, ns, ok, c.ns, c.ok)
		}
	}
}

func TestAddStamps(t *testing.T) {
	const chunk = 64 // bytes per chunk: room for 4 dispatches
	raw := make([]byte, 2*chunk)
	put := func(k, i int, begin, end uint64) {
		binary.LittleEndian.PutUint64(raw[k*chunk+16*i:], begin)
		binary.LittleEndian.PutUint64(raw[k*chunk+16*i+8:], end)
	}
	chunks := [][]string{{"matmul", "silu"}, {"matmul"}}

	var zero profile
	if zero.addStamps(raw, chunk, chunks) {
		t.Errorf("all-zero timestamps reported as seen")
	}
	if len(zero.stats) != 0 || zero.timing != "" {
		t.Errorf("all-zero timestamps timed something: %+v, timing %q", zero.stats, zero.timing)
	}

	put(0, 0, 1000, 3000000) // matmul: 2.999 ms
	put(0, 1, 3000000, 2000) // silu: out of order, untimed
	put(1, 0, 5000000, 6000000)
	put(1, 1, 9, 9) // past the chunk's kernels: ignored
	var p profile
	if !p.addStamps(raw, chunk, chunks) {
		t.Errorf("nonzero timestamps not reported as seen")
	}
	if mm := p.stats["matmul"]; mm == nil || mm.Timed != 2 || mm.Ms != 2.999+1 {
		t.Errorf("matmul %+v, want 2 timed, 3.999 ms", mm)
	}
	if s := p.stats["silu"]; s != nil && s.Timed != 0 {
		t.Errorf("silu %+v timed from out-of-order timestamps", s)
	}
	if p.timing != TimingTimestamps {
		t.Errorf("timing %q", p.timing)
	}
}
