package playground

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"

	"github.com/genplay/genplay/models/diffusion"
)

// ExportScale enlarges exported images (nearest neighbour), the same
// factor as `genplay generate`'s default -scale, so a page export and a CLI
// image of the same settings compare pixel for pixel.
const ExportScale = 4

// EpsScale maps the predicted noise (about standard normal) into the
// image range for display: ±2σ spans black to white.
const EpsScale = 0.5

// PanelGap is the gap in sample pixels between the three panels.
const PanelGap = 2

// PanelsSize is the size of Panels' picture for samples of side size.
func PanelsSize(size int) (w, h int) { return 3*size + 2*PanelGap, size }

// Panels draws x_t, the predicted x0 and the predicted noise side by side
// into dst (RGBA, PanelsSize, reused when big enough), with transparent
// gaps, and returns it.
func Panels(dst []byte, f Frame, channels, size int) []byte {
	w, h := PanelsSize(size)
	if cap(dst) < w*h*4 {
		dst = make([]byte, w*h*4)
	}
	dst = dst[:w*h*4]
	clear(dst)
	for p, src := range [][]float32{f.X, f.X0, f.Eps} {
		k := float32(1)
		if p == 2 {
			k = EpsScale
		}
		x0 := p * (size + PanelGap)
		plane := size * size
		if len(src) < channels*plane {
			continue
		}
		for i := 0; i < plane; i++ {
			o := ((i/size)*w + x0 + i%size) * 4
			for c := 0; c < 3; c++ {
				dst[o+c] = diffusion.Pixel(k * src[min(c, channels-1)*plane+i])
			}
			dst[o+3] = 0xff
		}
	}
	return dst
}

// PNG encodes a sample as a PNG, enlarged ExportScale times: the bytes
// `genplay generate -o` writes for the same sample.
func PNG(x []float32, channels, size int) ([]byte, error) {
	img, err := diffusion.ToImage(x, channels, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, enlarge(img, ExportScale)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// GIF encodes the trajectory as an animation: every step's x_t and
// predicted x0 side by side, 0.1 s a step, the last frame held for 2 s.
func GIF(frames []Frame, channels, size int) ([]byte, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("no frames to export: generate first")
	}
	pal := palette(channels)
	anim := &gif.GIF{}
	for _, f := range frames {
		pair := image.NewRGBA(image.Rect(0, 0, 2*size+PanelGap, size))
		for p, src := range [][]float32{f.X, f.X0} {
			img, err := diffusion.ToImage(src, channels, size)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", f.Step, err)
			}
			off := image.Pt(p*(size+PanelGap), 0)
			for y := 0; y < size; y++ {
				for x := 0; x < size; x++ {
					pair.Set(off.X+x, off.Y+y, img.At(x, y))
				}
			}
		}
		big := enlarge(pair, ExportScale)
		pm := image.NewPaletted(big.Bounds(), pal)
		for y := 0; y < big.Bounds().Dy(); y++ {
			for x := 0; x < big.Bounds().Dx(); x++ {
				pm.Set(x, y, big.At(x, y))
			}
		}
		anim.Image = append(anim.Image, pm)
		anim.Delay = append(anim.Delay, 10)
	}
	anim.Delay[len(anim.Delay)-1] = 200
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// palette is 256 grays for one-channel models and the web-safe-like Plan 9
// palette otherwise.
func palette(channels int) color.Palette {
	if channels != 1 {
		return append(color.Palette(nil), paletteRGB...)
	}
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}

var paletteRGB = func() color.Palette {
	var p color.Palette
	for r := 0; r < 6; r++ {
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				p = append(p, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 0xff})
			}
		}
	}
	return p
}()

// enlarge scales img up k times, nearest neighbour.
func enlarge(img image.Image, k int) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := 0; y < b.Dy()*k; y++ {
		for x := 0; x < b.Dx()*k; x++ {
			out.Set(x, y, img.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return out
}
