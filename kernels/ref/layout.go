package ref

// Transpose swaps the last two dimensions of x [batch, a, b]:
//
//	out[n][j][i] = x[n][i][j]  for n < batch, i < a, j < b
func Transpose(x []float32, batch, a, b int) []float32 {
	out := make([]float32, len(x))
	for n := 0; n < batch; n++ {
		for i := 0; i < a; i++ {
			for j := 0; j < b; j++ {
				out[(n*b+j)*a+i] = x[(n*a+i)*b+j]
			}
		}
	}
	return out
}

// Rows copies rows [start, start+n) of x [batch, l, c]:
//
//	out[b][i][j] = x[b][start+i][j]  for b < batch, i < n, j < c
func Rows(x []float32, batch, l, c, start, n int) []float32 {
	out := make([]float32, 0, batch*n*c)
	for b := 0; b < batch; b++ {
		out = append(out, x[(b*l+start)*c:(b*l+start+n)*c]...)
	}
	return out
}
