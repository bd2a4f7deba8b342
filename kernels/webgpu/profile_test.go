package webgpu

import "testing"

func TestProfileReport(t *testing.T) {
	var p profile
	p.add(cost{kernel: "silu", bytes: 800}, 0, false)
	p.add(cost{kernel: "matmul", flops: 2e6, bytes: 1e3}, 2, true)
	p.add(cost{kernel: "matmul", flops: 2e6, bytes: 1e3}, 0, false)
	p.add(cost{kernel: "silu", bytes: 800}, 0, false)
	p.add(cost{kernel: "add", bytes: 1200}, 0, false)
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
		"matvec[AT=f32 LANES=1]": "matvec",
		"silu":                   "silu",
		"":                       "",
	} {
		if got := kernelName(in); got != want {
			t.Errorf("kernelName(%q) = %q, want %q", in, got, want)
		}
	}
}
