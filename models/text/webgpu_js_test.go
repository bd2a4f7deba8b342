//go:build js

package text

import (
	"math"
	"slices"
	"testing"

	"github.com/genplay/genplay/kernels"
	"github.com/genplay/genplay/kernels/webgpu"
)

// TestWebGPUForwardMatchesPyTorch runs the golden models on WebGPU: in Node
// with Dawn on SwiftShader,
//
//	GOOS=js GOARCH=wasm go test -exec=$PWD/scripts/dawn-exec -run WebGPU ./models/text/
//
// On a software adapter it runs twice: with the kernels the backend picks
// there, and with a hardware GPU's (webgpu.WithGPUKernels: the
// lanes-per-row matvec with the RMSNorm folded in, tiled attention,
// 256-wide reductions), so that CI checks both paths against PyTorch.
func TestWebGPUForwardMatchesPyTorch(t *testing.T) {
	for _, kind := range []string{"chosen kernels", "GPU kernels"} {
		var opts []webgpu.Option
		if kind == "GPU kernels" {
			opts = append(opts, webgpu.WithGPUKernels())
		}
		b, err := webgpu.New(opts...)
		if err != nil {
			t.Fatalf("webgpu.New: %v", err)
		}
		t.Logf("backend: %s, %s", b.Name(), kind)
		for _, name := range []string{"gpt2", "llama"} {
			t.Run(kind+"/"+name, func(t *testing.T) {
				m := loadTestModel(t, b, name)
				defer m.Close()
				checkGolden(t, m, name, 1e-4)
				if err := b.Err(); err != nil {
					t.Fatal(err)
				}
			})
		}
		b.Close()
		if kind == "chosen kernels" && !b.Software() {
			break // a hardware GPU: its chosen kernels were the GPU's
		}
	}
}

// TestWebGPUProbeMatchesCPU generates with an attention probe on WebGPU,
// where the probe's queries and keys come back with the logits in one
// read-back (kernels.DownloadAll), and on the CPU, where they come back one
// Download each: the same tokens and the same attention rows.
func TestWebGPUProbeMatchesCPU(t *testing.T) {
	b, err := webgpu.New()
	if err != nil {
		t.Fatalf("webgpu.New: %v", err)
	}
	run := func(be kernels.Backend) (Result, *AttentionProbe) {
		m := loadTestModel(t, be, "llama")
		defer m.Close()
		p := &AttentionProbe{Layer: m.Config.Layers - 1, Head: 1}
		res, _ := generate(t, m, "the llama", GenerateOptions{MaxTokens: 5, Sampler: greedy, Probe: p})
		return res, p
	}
	gres, gp := run(b)
	cres, cp := run(kernels.NewCPU(0))
	if gp.Err != nil || !slices.Equal(gres.Tokens, cres.Tokens) || len(gp.Rows) != len(cp.Rows) || len(cp.Rows) < 5 {
		t.Fatalf("WebGPU %v, %d rows (err %v); CPU %v, %d rows", gres.Tokens, len(gp.Rows), gp.Err, cres.Tokens, len(cp.Rows))
	}
	for p := range cp.Rows {
		for k := range cp.Rows[p] {
			if d := math.Abs(float64(gp.Rows[p][k] - cp.Rows[p][k])); d > 1e-4 {
				t.Fatalf("row %d, key %d: WebGPU %g, CPU %g", p, k, gp.Rows[p][k], cp.Rows[p][k])
			}
		}
	}
}

// TestWebGPURehearse compiles each architecture's kernels from Rehearse
// (webgpu Precompile, as the text page does while it loads), then
// generates as the page does, with a probe: nothing more compiles, and
// the tokens are the CPU's.
func TestWebGPURehearse(t *testing.T) {
	for _, name := range []string{"gpt2", "llama"} {
		t.Run(name, func(t *testing.T) {
			b, err := webgpu.New()
			if err != nil {
				t.Fatalf("webgpu.New: %v", err)
			}
			defer b.Close()
			m := loadTestModel(t, b, name)
			defer m.Close()
			if err := b.Precompile(m.Rehearse, nil); err != nil {
				t.Fatal(err)
			}
			compiled := b.Pipelines()
			opts := func() GenerateOptions {
				return GenerateOptions{MaxTokens: 5, Sampler: greedy, Probe: &AttentionProbe{Layer: 0}}
			}
			got, _ := generate(t, m, "the llama", opts())
			if n := b.Pipelines(); n != compiled {
				t.Errorf("Rehearse compiled %d pipelines, generating needed %d", compiled, n)
			}
			cpu := loadTestModel(t, kernels.NewCPU(0), name)
			want, _ := generate(t, cpu, "the llama", opts())
			if !slices.Equal(got.Tokens, want.Tokens) {
				t.Errorf("after Rehearse, WebGPU generated %v, the CPU %v", got.Tokens, want.Tokens)
			}
		})
	}
}
