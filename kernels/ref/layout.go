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
