package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/models/diffusion"
	"github.com/genplay/genplay/weights"
)

func init() {
	registerGenerator(diffusion.Arch, runGenerateImage)
}

type imageOptions struct {
	class, seed, steps, guidance, sampler string
	eta                                   float64
	out, gifOut                           string
	scale, threads                        int
	quiet                                 bool
}

func runGenerateImage(path string, args []string) error {
	var o imageOptions
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	// Numbers are read as strings so that bad values get diffusion's
	// messages (what is allowed), not the flag package's parse errors.
	fs.StringVar(&o.class, "class", "", "class name or index (required; 'none' for unconditional)")
	fs.StringVar(&o.seed, "seed", "0", "noise seed, a whole number (the same seed gives the same image)")
	fs.StringVar(&o.steps, "steps", "50", "sampling steps, 1 to 1000")
	fs.StringVar(&o.sampler, "sampler", diffusion.DDIM, "sampler: "+strings.Join(diffusion.SamplerNames(), ", "))
	fs.StringVar(&o.guidance, "guidance", "3", "classifier-free guidance weight (0 unconditional, 1 none)")
	fs.Float64Var(&o.eta, "eta", 0, "DDIM eta, 0 (deterministic) to 1")
	fs.StringVar(&o.out, "o", "out.png", "output PNG `file`")
	fs.StringVar(&o.gifOut, "gif", "", "also write every step's x_t as an animated GIF `file`")
	fs.IntVar(&o.scale, "scale", 4, "enlarge the images this many times (nearest neighbour)")
	fs.IntVar(&o.threads, "threads", runtime.NumCPU(), "CPU threads")
	fs.BoolVar(&o.quiet, "q", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: genplay generate --model MODEL --class NAME [flags]\n\n"+
			"Samples an image with a %s model on the CPU.\n\nflags:\n", diffusion.Arch)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags start with -)", fs.Arg(0))
	}
	if o.scale < 1 || o.scale > 64 {
		return fmt.Errorf("--scale must be between 1 and 64, got %d", o.scale)
	}
	if o.threads < 1 {
		return fmt.Errorf("--threads must be at least 1, got %d", o.threads)
	}
	// Check what needs no model before the (slower) load.
	sampler, err := diffusion.ParseSampler(o.sampler)
	if err != nil {
		return err
	}
	seed, err := diffusion.ParseSeed(o.seed)
	if err != nil {
		return err
	}
	guidance, err := diffusion.ParseGuidance(o.guidance)
	if err != nil {
		return err
	}

	f, err := weights.OpenFile(path)
	if err != nil {
		return fmt.Errorf("loading the model: %w\nfix: a shipped model (weights/*.gguf.zst) is restored with 'git checkout -- weights/'; "+
			"any other is rebuilt from train/export.py's safetensors with 'genplay quantize IN.safetensors OUT.gguf.zst --type q8_0 --arch %s'",
			err, diffusion.Arch)
	}
	u, err := diffusion.Load(kernels.NewCPU(o.threads), f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer u.Close()
	c := u.Config
	if o.class == "" {
		return fmt.Errorf("--class is required; valid classes: %s (or none)", strings.Join(diffusion.ClassSlugs(c), ", "))
	}
	class, err := diffusion.ParseClass(c, o.class)
	if err != nil {
		return err
	}
	steps, err := diffusion.ParseSteps(o.steps, c.TrainTimesteps)
	if err != nil {
		return err
	}
	opts := diffusion.Options{Class: class, Guidance: guidance, Sampler: sampler, Steps: steps, Eta: o.eta, Seed: seed}
	if err := opts.Validate(c); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgress(os.Stderr, o.quiet)
	var frames []*image.Paletted
	final, err := u.Generate(ctx, opts, func(s diffusion.Step) error {
		bar.update(s.Index+1, s.Total, s.T)
		if o.gifOut != "" {
			img, err := diffusion.ToImage(s.X, c.InChannels, c.SampleSize)
			if err != nil {
				return err
			}
			frames = append(frames, toPaletted(img, o.scale))
		}
		return nil
	})
	bar.done()
	if err != nil {
		return err
	}
	img, err := diffusion.ToImage(final, c.InChannels, c.SampleSize)
	if err != nil {
		return err
	}
	if err := writeImage(o.out, func(w io.Writer) error { return png.Encode(w, enlarge(img, o.scale)) }); err != nil {
		return err
	}
	name := "unconditional"
	if class < c.NumClasses {
		name = diffusion.ClassSlugs(c)[class]
	}
	fmt.Printf("wrote %s (%s, seed %d, %d %s steps, guidance %g)\n", o.out, name, seed, steps, sampler, guidance)
	if o.gifOut != "" {
		if err := writeImage(o.gifOut, func(w io.Writer) error { return gif.EncodeAll(w, animation(frames)) }); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d frames)\n", o.gifOut, len(frames))
	}
	return nil
}

func writeImage(path string, encode func(io.Writer) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := encode(fh); err != nil {
		fh.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return fh.Close()
}

// enlarge scales img up by an integer factor, nearest neighbour (the model
// makes 32×32 images).
func enlarge(img image.Image, k int) image.Image {
	if k == 1 {
		return img
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := 0; y < b.Dy()*k; y++ {
		for x := 0; x < b.Dx()*k; x++ {
			out.Set(x, y, img.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return out
}

var grayPalette = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

func toPaletted(img image.Image, k int) *image.Paletted {
	big := enlarge(img, k)
	p := image.NewPaletted(big.Bounds(), grayPalette)
	for y := 0; y < big.Bounds().Dy(); y++ {
		for x := 0; x < big.Bounds().Dx(); x++ {
			p.Set(x, y, big.At(x, y))
		}
	}
	return p
}

// animation shows every step for 0.1 s and holds the final image for 2 s.
func animation(frames []*image.Paletted) *gif.GIF {
	g := &gif.GIF{Image: frames, Delay: make([]int, len(frames))}
	for i := range g.Delay {
		g.Delay[i] = 10
	}
	if len(frames) > 0 {
		g.Delay[len(frames)-1] = 200
	}
	return g
}

// progress draws a one-line bar on a terminal and nothing otherwise.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
}

func newProgress(w *os.File, quiet bool) *progress {
	st, err := w.Stat()
	return &progress{w: w, on: !quiet && err == nil && st.Mode()&os.ModeCharDevice != 0, start: time.Now()}
}

func (p *progress) update(done, total, t int) {
	if !p.on {
		return
	}
	const width = 30
	n := done * width / total
	rate := float64(done) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d t=%-4d %.1f steps/s ", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, t, rate)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
