// Package diffusion runs genplay's class-conditional DDPM: the UNet of
// train/model.py on any kernels.Backend, its noise schedule, four samplers
// that match train/samplers.py (DDPM, DDIM with eta, Euler ancestral,
// DPM-Solver++(2M)), classifier-free guidance with the conditional and
// unconditional halves in one batch, and a deterministic noise source (Rand),
// so a seed gives the same image natively and in the browser.
//
// Use:
//
//	f, _ := weights.OpenFile("weights/fashion-q8_0.gguf.zst")
//	u, _ := diffusion.Load(kernels.NewCPU(4), f)
//	class, _ := diffusion.ParseClass(u.Config, "sneaker")
//	img, _ := u.Generate(ctx, diffusion.Options{Class: class, Guidance: 3,
//		Sampler: diffusion.DDIM, Steps: 50, Seed: 42}, func(s diffusion.Step) error {
//		// draw s.X (x_t) or s.X0 (the predicted image) with ToImage
//		return nil
//	})
//
// # Files
//
// The GGUF architecture is "genplay-unet". Its metadata keys (written by
// train/export.py, carried through `genplay quantize`) are listed on Config;
// tensor names are the PyTorch state_dict names, built in weights.go, where
// every name and shape is checked before anything runs.
//
// # Accuracy
//
// Measured by the tests against the PyTorch goldens in testdata (see
// TestUNetGolden, TestWebGPUForward, TestSamplersGolden, TestQ8Deviation;
// NMSE = Σ(got−want)² / Σwant²), for the model trained 1188 steps:
//
//   - f32 weights, CPU backend: eps NMSE 1.2e-13 (bound 1e-5);
//   - f32 weights, WebGPU (Dawn on SwiftShader): 1.2e-13 (bound 1e-4);
//   - sampler replays of the 4-step PyTorch trajectories: at most 3e-11
//     (bound 1e-8); a whole 4-step guided DDIM run with the UNet: 1.6e-10;
//   - Q8_0 weights (what `genplay quantize --type q8_0` stores as Q8_0: the
//     linear layers and the class table; conv kernels, whose rows of 3 cannot
//     hold 32-value blocks, stay F32): eps NMSE 2.6e-7 for one UNet call,
//     2.6e-5 for the final image of a 4-step guided DDIM run (bounds 1e-3 and
//     1e-2; the first steps divide eps errors by √ᾱ ≈ 0.006, so short runs
//     show the most). With 50 DDIM steps (sneaker, seed 42, guidance 3) the
//     shipped Q8_0 model's image differs from the f32 model's by at most 3
//     of 255 levels per pixel, 0.06 on average.
package diffusion
