package kernels

import "fmt"

// convTile is how many output pixels one Conv2d work item gathers at a time.
const convTile = 64

// Conv2d runs as im2col + matmul, a tile of output pixels at a time: the
// patches of convTile pixels are gathered into a [convTile, C·k·k] scratch
// (rows contiguous along the reduction, as gemmNT wants) and multiplied by
// w viewed as [O, C·k·k], writing straight into the NCHW output.
func (c *cpu) Conv2d(x, w, bias Tensor, stride, pad int) Tensor {
	xt, wt := c.input("Conv2d", x), c.input("Conv2d", w)
	xs, ws := xt.shape, wt.shape
	bad := func(why string) {
		panic(fmt.Sprintf("kernels: Conv2d: x %v, w %v, stride %d, pad %d: %s", xs, ws, stride, pad, why))
	}
	if len(xs) != 4 || len(ws) != 4 {
		bad("x must be [N, C, H, W] and w [O, C, k, k]")
	}
	n, ch, h, wd := xs[0], xs[1], xs[2], xs[3]
	o, k := ws[0], ws[2]
	if ws[1] != ch || ws[3] != k {
		bad("w must be [O, C, k, k] with x's C")
	}
	if stride != 1 && stride != 2 || pad < 0 {
		bad("stride must be 1 or 2 and pad >= 0")
	}
	oh, ow := (h+2*pad-k)/stride+1, (wd+2*pad-k)/stride+1
	if h+2*pad < k || wd+2*pad < k {
		bad("the kernel is larger than the padded image")
	}
	var bs []float32
	if bias != nil {
		bt := c.input("Conv2d", bias)
		if len(bt.shape) != 1 || bt.shape[0] != o {
			bad(fmt.Sprintf("bias %v must be [%d]", bt.shape, o))
		}
		bs = bt.f32
	}
	out := output("Conv2d", []int{n, o, oh, ow})
	p, ck := oh*ow, ch*k*k
	tiles := ceilDiv(p, convTile)
	c.parallel(n*tiles, o*min(p, convTile)*ck, func(lo, hi int) {
		col := make([]float32, convTile*ck)
		for u := lo; u < hi; u++ {
			b, p0 := u/tiles, u%tiles*convTile
			pp := min(convTile, p-p0)
			img := xt.f32[b*ch*h*wd:][:ch*h*wd]
			for j := 0; j < pp; j++ {
				y, xx := (p0+j)/ow, (p0+j)%ow
				im2col(col[j*ck:][:ck], img, ch, h, wd, k, y*stride-pad, xx*stride-pad)
			}
			dst := out.f32[b*o*p+p0:]
			gemmNT(o, pp, ck, wt.f32, ck, col, ck, dst, p)
			if bs != nil {
				for oc, v := range bs {
					row := dst[oc*p:][:pp]
					for i := range row {
						row[i] += v
					}
				}
			}
		}
	})
	return out
}

// im2col gathers the k x k patch of every channel of img [C, H, W] whose top
// left corner is (y0, x0) into col [C·k·k], with zeros outside the image.
func im2col(col, img []float32, ch, h, w, k, y0, x0 int) {
	i := 0
	for ic := 0; ic < ch; ic++ {
		plane := img[ic*h*w:][:h*w]
		for dy := 0; dy < k; dy++ {
			y := y0 + dy
			if y < 0 || y >= h {
				clear(col[i : i+k])
				i += k
				continue
			}
			row := plane[y*w:][:w]
			for dx := 0; dx < k; dx++ {
				if x := x0 + dx; x >= 0 && x < w {
					col[i] = row[x]
				} else {
					col[i] = 0
				}
				i++
			}
		}
	}
}
