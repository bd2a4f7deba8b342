//go:build js

package webgpu

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/ref"
	"github.com/genplay/genplay/kernels/selftest"
	"github.com/genplay/genplay/weights/quant"
)

// TestAttentionUntiled covers attention.wgsl, which the shared op table no
// longer reaches: its head sizes all go to attention_tiled.wgsl (or, on
// SwiftShader, attention_serial.wgsl), and the untiled kernel takes head
// sizes that are not a multiple of 4 or over 64. It runs with a hardware
// GPU's kernel choice, and with SwiftShader's on the same sizes.
func TestAttentionUntiled(t *testing.T) {
	b := backend(t)
	software := b.software
	defer func() { b.software = software }()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		bs, lq, lkv, heads, kvHeads, d int
		software                       bool
	}{
		{1, 5, 9, 2, 1, 6, false},
		{2, 3, 3, 1, 1, 80, false},
		{1, 5, 9, 2, 1, 6, true},
		{2, 3, 3, 1, 1, 80, true},
	} {
		b.software = tc.software
		data := func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = 2*rng.Float32() - 1
			}
			return x
		}
		qd := data(tc.bs * tc.lq * tc.heads * tc.d)
		kd := data(tc.bs * tc.lkv * tc.kvHeads * tc.d)
		vd := data(len(kd))
		q, _ := b.Upload("q", []int{tc.bs, tc.lq, tc.heads * tc.d}, qd)
		k, _ := b.Upload("k", []int{tc.bs, tc.lkv, tc.kvHeads * tc.d}, kd)
		v, err := b.Upload("v", []int{tc.bs, tc.lkv, tc.kvHeads * tc.d}, vd)
		if err != nil {
			t.Fatal(err)
		}
		out := b.Attention(q, k, v, tc.heads, tc.kvHeads, true)
		got, err := b.Download(out)
		if err != nil {
			t.Fatal(err)
		}
		want := ref.Attention(qd, kd, vd, tc.bs, tc.lq, tc.lkv, tc.heads, tc.kvHeads, tc.d, true)
		if nmse := selftest.NMSE(got, want); nmse > 1e-8 {
			t.Errorf("%+v: nmse %.2e", tc, nmse)
		}
		for _, x := range []kernels.Tensor{q, k, v, out} {
			b.Free(x)
		}
	}
}

// gpuChoiceCases are op-table cases that reach, with a hardware GPU's
// kernel choice, what SwiftShader's choice does not: 32x32 tiles (f32,
// quantized, conv; TestGPUKernelChoice adds 64x64 and 128x128) and the
// norms' and softmax's 256-wide workgroup reductions. gpuSubgroupCases
// (attention_tiled) and gpuMatVecCases (matvec.wgsl, lanes per row with a
// reduction) have a subgroup variant and run with subgroups where the
// adapter has them and without.
// The load and store variants themselves are covered by TestSelftest; each
// case here costs a pipeline compile of seconds.
var gpuChoiceCases = []string{
	"MatMul a[37 45] b[70 45] transB=true",
	"MatMul/Q4_0 a[33 64] b[70 64]",
	"Conv2d x[1 9 9 10] w[20 9 3 3] s1 p1 bias=true",
	"MatMulGated/Q4_0 a[1 33 64] b[21 64] c[1 33 21]",
	"Conv2dAdd x[1 4 9 9] w[8 4 3 3] s2 p1",
	"Conv2dAddChannels x[2 4 8 8] w[12 4 3 3] s1 p1",
	// The 256-wide reductions (reduce.wgsli) that SwiftShader runs serially.
	"RMSNorm x[3 17]",
	"LayerNorm x[2 3 33] affine=false",
	"GroupNormSiLU x[2 6 5 7] groups=3 affine=true",
	"Softmax x[3 257] range ±200",
}

// gpuMatVecCases: f32, f16 widened, Q8_0 and Q4_0 weights, a fused
// epilogue, DUAL and NORM (with and without DUAL).
var gpuMatVecCases = []string{
	"RMSNormMatMul/Q8_0 x[1 1 96] w [37 96]",
	"RMSNormMatMul/Q4_0 x[1 3 64] w [45 64]",
	"RMSNormMatMul/F32 x[1 1 44] w [19 44]",
	"RMSNormSwiGLU/Q8_0 x[1 1 96] w [37 96]",
	"RMSNormSwiGLU/Q4_0 x[2 64] w [21 64]",
	"RMSNormSwiGLU/F32 x[1 1 44] w [19 44]",
	"MatMul/F16 a[3 40] b[17 40]",
	"MatMulAdd/Q8_0 a[1 3 64] b[45 64] c[1 3 45]",
	"SwiGLU/Q8_0 a[1 1 96] gate, up [37 96]",
	"SwiGLU/Q4_0 a[2 64] gate, up [21 64]",
	"SwiGLU/F32 a[1 1 44] gate, up [19 44]",
	"MatMul/Q8_0 a[1 96] b[33 96]",
	"MatMul/Q4_0 a[1 96] b[33 96]",
	"SwiGLU/F16 a[1 33] gate, up [10 33]",
}

var gpuSubgroupCases = []string{
	// attention_tiled (D % 4 == 0, D <= 64) and attention.wgsl.
	"Attention b1 lq3 lkv9 heads4/2 d8 causal=true",
	"Attention b2 lq6 lkv11 heads2/1 d12 causal=false",
	"Attention b1 lq40 lkv40 heads2/2 d16 causal=true",
}

// runNamed runs the op-table cases named "Op Shape" on b.
func runNamed(t *testing.T, b *Backend, names []string) {
	t.Helper()
	found := 0
	for _, c := range selftest.Cases() {
		if !slices.Contains(names, c.Op+" "+c.Shape) {
			continue
		}
		found++
		if r := selftest.Run(b, c); r.Err != nil || !r.Pass {
			t.Errorf("%v", r)
		}
	}
	if found != len(names) {
		t.Errorf("found %d of %v in the op table: update the list", found, names)
	}
}

// TestGPUKernelChoice runs gpuChoiceCases and gpuSubgroupCases with the
// kernel variants a hardware GPU gets (SwiftShader otherwise gets its own
// tile shapes and matvec), plus matmuls big enough for the 64x64 and
// 128x128 tiles, so that those paths are checked on CI's software adapter.
func TestGPUKernelChoice(t *testing.T) {
	b, err := New(WithGuardBands())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.software = false
	t.Logf("subgroups: %v", b.subgroups)
	runNamed(t, b, slices.Concat(gpuChoiceCases, gpuSubgroupCases, gpuMatVecCases))
	if b.subgroups {
		nb, err := New(WithGuardBands(), WithoutSubgroups())
		if err != nil {
			t.Fatal(err)
		}
		defer nb.Close()
		nb.software = false
		if nb.subgroups {
			t.Error("WithoutSubgroups: the device still has subgroups")
		}
		runNamed(t, nb, slices.Concat(gpuSubgroupCases, gpuMatVecCases))
	}
	// The selftest shapes are small enough for 32x32 tiles on a GPU; these
	// get 128x128 and 64x64 (chooseTiles: grids of 132 and 143).
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		m, n, k, rows int
		dt            quant.DType
	}{{1411, 1300, 20, 128, quant.F32}, {700, 800, 20, 64, quant.F32}, {700, 800, 64, 64, quant.Q8_0}} {
		tk := 16
		if c.dt != quant.F32 {
			tk = 32
		}
		if got := chooseTiles(false, int(b.limits.MaxComputeWorkgroupStorageSize), 1, c.m, c.n, tk); got.rows() != c.rows {
			t.Fatalf("%dx%d: chooseTiles gives %v, not the %d-row tiles this test is for", c.m, c.n, got, c.rows)
		}
		ad, wd := make([]float32, c.m*c.k), make([]float32, c.n*c.k)
		for i := range ad {
			ad[i] = 2*rng.Float32() - 1
		}
		for i := range wd {
			wd[i] = 2*rng.Float32() - 1
		}
		a, _ := b.Upload("a", []int{c.m, c.k}, ad)
		var w kernels.Tensor
		if c.dt == quant.F32 {
			w, err = b.Upload("w", []int{c.n, c.k}, wd)
		} else {
			raw, qerr := quant.Quantize(c.dt, wd)
			if qerr != nil {
				t.Fatal(qerr)
			}
			wd, _ = quant.Dequantize(c.dt, raw, len(wd))
			w, err = b.UploadRaw("w", []int{c.n, c.k}, c.dt, raw)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Download(b.MatMul(a, w, true))
		if err != nil {
			t.Fatal(err)
		}
		if nmse := selftest.NMSE(got, ref.MatMul(ad, wd, 1, c.m, c.n, c.k, false, true)); nmse > 1e-9 {
			t.Errorf("matmul %v %dx%dx%d on %d-row tiles: nmse %.2e", c.dt, c.m, c.n, c.k, c.rows, nmse)
		}
		b.Free(a)
		b.Free(w)
	}
}

// TestMatVecShapes runs the matrix-vector cases with a GPU's kernel on
// shapes fixed by WithMatVec (what gpubench -matvec compares), lanes below
// and above a subgroup's width, and checks that a workgroup over the
// device's limit is refused.
func TestMatVecShapes(t *testing.T) {
	for _, m := range []MatVec{{Lanes: 8, Rows: 4}, {Lanes: 64, Rows: 2}} {
		b, err := New(WithGuardBands(), WithMatVec(m))
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		b.software = false
		runNamed(t, b, gpuMatVecCases)
		b.Close()
	}
	if b, err := New(WithMatVec(MatVec{Lanes: 64, Rows: 1024})); err == nil {
		b.Close()
		t.Error("a matvec workgroup of 65536 invocations was accepted")
	}
}

// TestMatMulTiles runs the f32 matmul and conv2d cases on tile shapes
// fixed by WithMatMulTiles (what a benchmark compares on a new GPU), and
// checks that a shape the kernel cannot run is refused.
func TestMatMulTiles(t *testing.T) {
	for _, tiles := range []Tiles{{WG: 8, TM: 8, TN: 4, TK: 8}, {WG: 16, TM: 4, TN: 8, TK: 12},
		{WG: 8, TM: 8, TN: 8, TK: 8, Pipe: true}, {WG: 16, TM: 4, TN: 8, TK: 12, Pipe: true}} {
		b, err := New(WithGuardBands(), WithMatMulTiles(tiles))
		if err != nil {
			t.Fatalf("%+v: %v", tiles, err)
		}
		// The pipelined shapes with a GPU's layout (SPREAD), as a GPU runs
		// them; the others with SwiftShader's.
		b.software = b.software && !tiles.Pipe
		n := 0
		for _, c := range selftest.Cases() {
			if c.Op == "MatMul" || c.Op == "MatMulAdd/F32" || strings.HasPrefix(c.Op, "Conv2d") {
				n++
				if r := selftest.Run(b, c); r.Err != nil || !r.Pass {
					t.Errorf("%+v: %s", tiles, r)
				}
			}
		}
		if n < 12 {
			t.Errorf("only %d f32 matmul and conv2d cases", n)
		}
		b.Close()
	}
	for _, bad := range []Tiles{{WG: 16, TM: 6, TN: 4, TK: 16}, {WG: 32, TM: 4, TN: 4, TK: 16}, {WG: 16, TM: 8, TN: 8, TK: 64}, {WG: 16, TM: 8, TN: 8, TK: 32, Pipe: true}} {
		if b, err := New(WithMatMulTiles(bad)); err == nil {
			b.Close()
			t.Errorf("tiles %+v were accepted", bad)
		}
	}
}

// TestRoPETableGrows checks RoPE and SplitQKV past the kept cos/sin
// table's first length (256 positions), where it is remade longer, and
// back at early positions afterwards.
func TestRoPETableGrows(t *testing.T) {
	b := backend(t)
	rng := rand.New(rand.NewPCG(7, 8))
	const heads, d, base = 2, 8, 777
	for _, pos0 := range []int{0, 300, 1000, 5} {
		xd := make([]float32, 3*heads*d)
		for i := range xd {
			xd[i] = 2*rng.Float32() - 1
		}
		x, err := b.Upload("x", []int{1, 3, heads * d}, xd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Download(b.RoPE(x, heads, pos0, base))
		if err != nil {
			t.Fatal(err)
		}
		if nmse := selftest.NMSE(got, ref.RoPE(xd, 1, 3, heads, d, pos0, base)); nmse > 1e-5 {
			t.Errorf("RoPE at pos0 %d: nmse %.2e", pos0, nmse)
		}
		// One head each of q, k and v.
		sd := make([]float32, 3*3*d)
		for i := range sd {
			sd[i] = 2*rng.Float32() - 1
		}
		qkv, err := b.Upload("qkv", []int{1, 3, 3 * d}, sd)
		if err != nil {
			t.Fatal(err)
		}
		q, k, v := b.SplitQKV(qkv, 1, 1, pos0, base)
		for i, part := range []kernels.Tensor{q, k} {
			got, err := b.Download(part)
			if err != nil {
				t.Fatal(err)
			}
			var cols []float32
			for r := 0; r < 3; r++ {
				cols = append(cols, sd[r*3*d+i*d:][:d]...)
			}
			if nmse := selftest.NMSE(got, ref.RoPE(cols, 1, 3, 1, d, pos0, base)); nmse > 1e-5 {
				t.Errorf("SplitQKV part %d at pos0 %d: nmse %.2e", i, pos0, nmse)
			}
		}
		b.Free(qkv)
		b.Free(q)
		b.Free(k)
		b.Free(v)
		b.Free(x)
	}
}
