package ref

// ConvOut returns the output size of a convolution along one dimension:
// (in + 2·pad − k)/stride + 1.
func ConvOut(in, k, stride, pad int) int {
	return (in+2*pad-k)/stride + 1
}

// Conv2d convolves x [n, c, h, w] with w [o, c, k, k], adds bias [o] (nil
// means none), with the given stride and zero padding. The result is
// [n, o, oh, ow] with oh = ConvOut(h, k, stride, pad), ow likewise:
//
//	out[b,oc,y,x] = bias[oc] + Σ_{ic,dy,dx} w[oc,ic,dy,dx] · x[b, ic, y·s+dy−p, x·s+dx−p]
//
// where x outside [0,h)×[0,w) reads as zero.
func Conv2d(x, w, bias []float32, n, c, h, wd, o, k, stride, pad int) []float32 {
	need("Conv2d", "x", x, n*c*h*wd)
	need("Conv2d", "w", w, o*c*k*k)
	if bias != nil {
		need("Conv2d", "bias", bias, o)
	}
	oh, ow := ConvOut(h, k, stride, pad), ConvOut(wd, k, stride, pad)
	out := make([]float32, n*o*oh*ow)
	for b := 0; b < n; b++ {
		for oc := 0; oc < o; oc++ {
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					var s float64
					if bias != nil {
						s = float64(bias[oc])
					}
					for ic := 0; ic < c; ic++ {
						for dy := 0; dy < k; dy++ {
							iy := y*stride + dy - pad
							if iy < 0 || iy >= h {
								continue
							}
							for dx := 0; dx < k; dx++ {
								ix := xx*stride + dx - pad
								if ix < 0 || ix >= wd {
									continue
								}
								s += float64(w[((oc*c+ic)*k+dy)*k+dx]) * float64(x[((b*c+ic)*h+iy)*wd+ix])
							}
						}
					}
					out[((b*o+oc)*oh+y)*ow+xx] = float32(s)
				}
			}
		}
	}
	return out
}
