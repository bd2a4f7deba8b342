package ref

import "math"

// Softmax normalizes each of rows rows of cols values:
//
//	out[r,j] = e^(x[r,j] − max_j x[r,·]) / Σ_j e^(x[r,j] − max_j x[r,·])
//
// Subtracting the row maximum changes nothing mathematically and keeps large
// logits from overflowing.
func Softmax(x []float32, rows, cols int) []float32 {
	need("Softmax", "x", x, rows*cols)
	out := make([]float32, len(x))
	for r := 0; r < rows; r++ {
		row := x[r*cols : (r+1)*cols]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, float64(v))
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v) - mx)
		}
		for j, v := range row {
			out[r*cols+j] = float32(math.Exp(float64(v)-mx) / sum)
		}
	}
	return out
}

// LayerNorm normalizes each row of cols values to zero mean and unit
// variance (the biased variance, as PyTorch), then applies gamma and beta
// ([cols], either may be nil meaning 1 and 0):
//
//	out[r,j] = (x[r,j] − μ_r) / √(σ²_r + eps) · gamma[j] + beta[j]
func LayerNorm(x, gamma, beta []float32, rows, cols int, eps float32) []float32 {
	need("LayerNorm", "x", x, rows*cols)
	out := make([]float32, len(x))
	for r := 0; r < rows; r++ {
		row := x[r*cols : (r+1)*cols]
		mean, variance := moments(row)
		inv := 1 / math.Sqrt(variance+float64(eps))
		for j, v := range row {
			out[r*cols+j] = float32(affine((float64(v)-mean)*inv, gamma, beta, j))
		}
	}
	return out
}

// RMSNorm scales each row of cols values by the inverse root mean square
// (gamma [cols] may be nil meaning 1):
//
//	out[r,j] = x[r,j] / √(Σ_j x[r,j]²/cols + eps) · gamma[j]
func RMSNorm(x, gamma []float32, rows, cols int, eps float32) []float32 {
	need("RMSNorm", "x", x, rows*cols)
	out := make([]float32, len(x))
	for r := 0; r < rows; r++ {
		row := x[r*cols : (r+1)*cols]
		var ss float64
		for _, v := range row {
			ss += float64(v) * float64(v)
		}
		inv := 1 / math.Sqrt(ss/float64(cols)+float64(eps))
		for j, v := range row {
			out[r*cols+j] = float32(affine(float64(v)*inv, gamma, nil, j))
		}
	}
	return out
}

// GroupNorm normalizes x [n, c, inner] (inner = product of the trailing
// dimensions) over groups of c/groups channels and all of inner, then applies
// the per-channel gamma and beta ([c], either may be nil):
//
//	for each n, g: μ, σ² over x[n, g·c/groups : (g+1)·c/groups, :]
//	out[n,ch,i] = (x[n,ch,i] − μ) / √(σ² + eps) · gamma[ch] + beta[ch]
func GroupNorm(x, gamma, beta []float32, n, c, inner, groups int, eps float32) []float32 {
	need("GroupNorm", "x", x, n*c*inner)
	out := make([]float32, len(x))
	cg := c / groups
	for b := 0; b < n; b++ {
		for g := 0; g < groups; g++ {
			lo := (b*c + g*cg) * inner
			hi := lo + cg*inner
			mean, variance := moments(x[lo:hi])
			inv := 1 / math.Sqrt(variance+float64(eps))
			for i := lo; i < hi; i++ {
				ch := (i / inner) % c
				out[i] = float32(affine((float64(x[i])-mean)*inv, gamma, beta, ch))
			}
		}
	}
	return out
}

// moments returns the mean and biased variance of x.
func moments(x []float32) (mean, variance float64) {
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	for _, v := range x {
		d := float64(v) - mean
		variance += d * d
	}
	return mean, variance / float64(len(x))
}

// affine returns v·gamma[j] + beta[j], treating a nil gamma as 1 and a nil beta as 0.
func affine(v float64, gamma, beta []float32, j int) float64 {
	if gamma != nil {
		v *= float64(gamma[j])
	}
	if beta != nil {
		v += float64(beta[j])
	}
	return v
}
