package ref

// AddChannels adds p[i] to the inner values of row i of x [rows, inner]
// (x [N, C, H, W] with rows = N·C, inner = H·W): the reference for
// kernels.ChannelAdder.
func AddChannels(x, p []float32, rows, inner int) []float32 {
	need("AddChannels", "x", x, rows*inner)
	need("AddChannels", "p", p, rows)
	out := make([]float32, len(x))
	for r := 0; r < rows; r++ {
		for j := 0; j < inner; j++ {
			out[r*inner+j] = x[r*inner+j] + p[r]
		}
	}
	return out
}
