package diffusion

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/weights"
	"github.com/genplay/genplay/weights/quant"
)

// freshFile reads the test model anew, so a test may damage it.
func freshFile(t *testing.T) *weights.File {
	t.Helper()
	f, err := weights.OpenFile(testModel)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLoadErrors(t *testing.T) {
	b := kernels.NewCPU(1)
	for _, c := range []struct {
		name   string
		damage func(f *weights.File)
		want   []string
	}{
		{"wrong arch", func(f *weights.File) { f.Metadata.Set(weights.KeyArchitecture, "llama") },
			[]string{`"llama"`, "genplay-unet", "genplay quantize --arch"}},
		{"missing key", func(f *weights.File) { f.Metadata.Delete(Arch + ".norm_num_groups") },
			[]string{"genplay-unet.norm_num_groups is missing"}},
		{"bad value", func(f *weights.File) { f.Metadata.Set(Arch+".block_out_channels", "32,x") },
			[]string{"block_out_channels", "not a list of integers"}},
		{"other spacing", func(f *weights.File) { f.Metadata.Set(Arch+".timestep_spacing", "leading") },
			[]string{"timestep_spacing", "trailing"}},
		{"tensors", func(f *weights.File) {
			f.Tensors = f.Tensors[1:] // drops class_embedding.weight (sorted first)
			conv, _ := f.Tensor("conv_in.weight")
			conv.Shape = []int64{32, 2, 3, 3}
			conv.Data = append(conv.Data, conv.Data...)
			f.Tensors = append(f.Tensors, weights.TensorInfo{Name: "extra.bias", Shape: []int64{1}, DType: quant.F32, Data: make([]byte, 4)})
		}, []string{"3 problems", "class_embedding.weight: missing (want shape [11 128])",
			"conv_in.weight: shape [32 2 3 3], want [32 1 3 3]", "extra.bias: unexpected tensor", "train/export.py"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := freshFile(t)
			c.damage(f)
			u, err := Load(b, f)
			if err == nil {
				u.Close()
				t.Fatal("Load accepted a damaged file")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
		})
	}
}

// TestQ8Deviation measures what Q8_0 storage costs: the test model's
// matrices that quantize tool stores as Q8_0 (rows a multiple of 32; conv
// kernels stay F32) are quantized, and the eps compared with PyTorch's.
func TestQ8Deviation(t *testing.T) {
	f := freshFile(t)
	n := 0
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		if len(ti.Shape) < 2 || ti.Shape[len(ti.Shape)-1]%32 != 0 {
			continue
		}
		data, err := ti.Float32()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := quant.Quantize(quant.Q8_0, data)
		if err != nil {
			t.Fatal(err)
		}
		ti.DType, ti.Data = quant.Q8_0, raw
		n++
	}
	u, err := Load(kernels.NewCPU(2), f)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	eps, err := u.Forward(gold(t, "unet.x_t"), ints(gold(t, "unet.t")), ints(gold(t, "unet.class")))
	if err != nil {
		t.Fatal(err)
	}
	e := nmse(eps, gold(t, "unet.eps"))
	t.Logf("Q8_0 (%d matrices): eps NMSE vs PyTorch F32 %.3g", n, e)
	if n == 0 || e > 1e-3 {
		t.Errorf("Q8_0 eps NMSE %.3g over %d quantized matrices; want 0 < n and NMSE <= 1e-3", e, n)
	}
	// The deviation after a whole (short) run, where errors compound.
	img, err := u.Generate(context.Background(), Options{Class: 7, Guidance: 3, Sampler: DDIM, Steps: 4, XT: gold(t, "ddim.x_T")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e = nmse(img, gold(t, "ddim.out"))
	t.Logf("Q8_0: DDIM 4 steps, guidance 3, final image NMSE vs PyTorch F32 %.3g", e)
	if e > 1e-2 {
		t.Errorf("Q8_0 final image NMSE %.3g > 1e-2", e)
	}
}

// failingUploads makes uploads of one tensor name fail, as a device out of
// memory would.
type failingUploads struct {
	kernels.Backend
	name string
}

func (f failingUploads) Upload(name string, shape []int, data []float32) (kernels.Tensor, error) {
	if name == f.name {
		return nil, errors.New("device out of memory")
	}
	return f.Backend.Upload(name, shape, data)
}

func TestForwardUploadFailure(t *testing.T) {
	for _, name := range []string{"time_proj", "class_embedding", "x_t"} {
		u := loadTest(t, failingUploads{kernels.NewCPU(1), name})
		_, err := u.Forward(make([]float32, 1024), []int{10}, []int{1})
		if err == nil || !strings.Contains(err.Error(), "out of memory") {
			t.Errorf("failed %s upload: error %v", name, err)
		}
		u.Close()
	}
}
