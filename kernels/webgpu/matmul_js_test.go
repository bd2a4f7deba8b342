package webgpu

import "testing"

// matmulRowsCases are the op-table cases matmul_rows.wgsl takes on
// SwiftShader: products by one weight [n, k] (2-D, or 3-D with a batch of
// 1) of more rows than the matrix-vector kernel's: f32, Q8_0 and Q4_0,
// rows and weight rows that are not multiples of 4 and 8, one and several
// workgroups, and every epilogue.
var matmulRowsCases = []string{
	"MatMul a[3 6 20] b[11 20] transB=true",
	"MatMul a[1 70 36] b[1 40 36] transB=true",
	"MatMul/Q8_0 a[2 5 96] b[19 96]",
	"MatMul/Q8_0 a[33 64] b[70 64]",
	"MatMul/Q4_0 a[2 5 96] b[19 96]",
	"MatMul/Q4_0 a[33 64] b[70 64]",
	"MatMul/F16 a[3 40] b[17 40]", // widened to f32 on upload
	"MatMulAdd/Q4_0 a[2 7 32] b[19 32] c[7 19]",
	"MatMulAdd/F32 a[1 37 44] b[70 44] c[1 37 70]",
	"MatMulGated/Q4_0 a[1 33 64] b[21 64] c[1 33 21]",
	"MatMulGated/F32 a[6 20] b[12 20] c[6 12]",
	"MatMulAddGELU/Q8_0 a[1 9 64] b[45 64] c[45]",
	"SwiGLU/Q8_0 a[1 9 64] gate, up [30 64]",
}

// TestMatMulRows checks that a software adapter with subgroups runs
// matmulRowsCases on matmul_rows.wgsl, and right; and that without
// subgroups the same cases fall back to the tiled kernel.
func TestMatMulRows(t *testing.T) {
	checkLaneShared(t, matmulRowsCases, "matmul_rows")
}
