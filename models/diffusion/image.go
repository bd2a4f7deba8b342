package diffusion

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Pixel maps a model value in [−1, 1] to 0..255: clamp((x+1)·127.5), rounded
// to nearest (the data range train/ uses).
func Pixel(x float32) uint8 {
	v := math.Round((float64(x) + 1) * 127.5)
	return uint8(max(0, min(255, v)))
}

// ToImage converts a [C, S, S] sample to an image: gray for one channel,
// RGB (the first three) otherwise. The values are clamped, not rescaled, so
// a noisy x_t shows as it is.
func ToImage(x []float32, channels, size int) (image.Image, error) {
	if channels < 1 || size < 1 || len(x) != channels*size*size {
		return nil, fmt.Errorf("image of %d values is not %d×%d×%d", len(x), channels, size, size)
	}
	plane := size * size
	if channels == 1 {
		g := image.NewGray(image.Rect(0, 0, size, size))
		for i, v := range x {
			g.Pix[i] = Pixel(v)
		}
		return g, nil
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for i := 0; i < plane; i++ {
		c := color.RGBA{A: 255}
		c.R = Pixel(x[i])
		c.G = Pixel(x[min(1, channels-1)*plane+i])
		c.B = Pixel(x[min(2, channels-1)*plane+i])
		img.SetRGBA(i%size, i/size, c)
	}
	return img, nil
}
