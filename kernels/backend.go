// Package kernels is genplay's op set: the Backend contract that models are
// written against, a parallel CPU backend, and (in subpackages) the pure-Go
// reference ops that define every op, the WebGPU backend and its WGSL shaders.
//
// Layout conventions, shared by every backend and by kernels/ref:
//   - tensors are row-major; Shape lists dimensions slowest-first, like PyTorch
//     (GGUF lists them fastest-first; the weights package converts);
//   - images are NCHW; sequences are [B, L, C];
//   - a quantized weight of shape [N, K] holds N rows of K values, blocked
//     along K exactly as GGML does (K must be a multiple of 32).
//
// Errors: an op given shapes that do not fit together panics with a message
// naming the op and the shapes: that is a bug in the model code, caught by its
// tests. Failures of the device (out of memory, a tensor over the device's
// limits, a lost device) are sticky: the op returns a placeholder tensor and
// the error comes back from the next Download or Err.
package kernels

import "github.com/genplay/genplay/weights/quant"

// Tensor is a handle to data owned by a Backend. Only the backend that made a
// tensor may use it.
type Tensor interface {
	Name() string
	Shape() []int
	DType() quant.DType
}

// Backend runs the op set. Every op returns a new f32 tensor and leaves its
// inputs untouched.
type Backend interface {
	// Name says which backend and device this is, e.g. "cpu (2 threads)" or
	// "webgpu (SwiftShader)".
	Name() string

	// Upload copies f32 host data into a new tensor. The name is used in
	// error messages (for example a tensor larger than the device allows).
	Upload(name string, shape []int, data []float32) (Tensor, error)
	// UploadRaw uploads weights in their GGML byte layout: F32, F16, BF16,
	// Q8_0 or Q4_0 blocks of a row-major tensor of the given shape.
	UploadRaw(name string, shape []int, dt quant.DType, raw []byte) (Tensor, error)
	// Download waits for pending work and copies t back as f32.
	Download(t Tensor) ([]float32, error)
	// Free releases t's memory. Using t afterwards is a bug.
	Free(t Tensor)
	// Err returns the first device error since the backend was made, if any.
	Err() error

	// MatMul multiplies the last two dimensions: a is [.., M, K]; b is
	// [.., N, K] when transB (the PyTorch nn.Linear weight layout, y = a·bᵀ)
	// or [.., K, N] otherwise. Leading (batch) dimensions must match, or b may
	// be 2-D and is then shared by every batch. A quantized or F16 b needs
	// transB. The result is [.., M, N].
	MatMul(a, b Tensor, transB bool) Tensor

	// Add and Mul are elementwise; b has a's shape or a suffix of it and is
	// then broadcast over a's leading dimensions.
	Add(a, b Tensor) Tensor
	Mul(a, b Tensor) Tensor
	// ScaleBias returns x*scale + bias.
	ScaleBias(x Tensor, scale, bias float32) Tensor

	// Softmax normalizes over the last dimension.
	Softmax(x Tensor) Tensor
	// LayerNorm normalizes over the last dimension; gamma and beta ([C]) may be nil.
	LayerNorm(x, gamma, beta Tensor, eps float32) Tensor
	// RMSNorm normalizes over the last dimension: x / sqrt(mean(x²)+eps) * gamma.
	RMSNorm(x, gamma Tensor, eps float32) Tensor
	// GroupNorm normalizes x [N, C, ...] over groups of C/groups channels and
	// all trailing dimensions; gamma and beta are [C] and may be nil.
	GroupNorm(x, gamma, beta Tensor, groups int, eps float32) Tensor

	// SiLU is x·sigmoid(x).
	SiLU(x Tensor) Tensor
	// GELU is the tanh approximation (GPT-2's "gelu_new").
	GELU(x Tensor) Tensor
	// GELUErf is the exact form 0.5·x·(1+erf(x/√2)).
	GELUErf(x Tensor) Tensor

	// Conv2d convolves x [N, C, H, W] with w [O, C, k, k] (f32), adds bias
	// [O] (may be nil), with the given stride (1 or 2) and zero padding.
	// The result is [N, O, (H+2p-k)/s+1, (W+2p-k)/s+1].
	Conv2d(x, w, bias Tensor, stride, pad int) Tensor
	// Upsample2x repeats every pixel of x [N, C, H, W] into a 2x2 block.
	Upsample2x(x Tensor) Tensor
	// ConcatChannels joins a [N, C1, ...] and b [N, C2, ...] into [N, C1+C2, ...].
	// On a [1, L, C] sequence it appends along L, which is how a KV cache grows.
	ConcatChannels(a, b Tensor) Tensor
	// Transpose swaps the last two dimensions: [.., A, B] becomes [.., B, A].
	// Attention over an image needs it: [N, C, H·W] <-> [N, H·W, C].
	Transpose(x Tensor) Tensor
	// Reshape returns an f32 tensor with x's values and a new shape of the
	// same size. It shares x's memory (no copy): free one of the two, not both.
	Reshape(x Tensor, shape ...int) Tensor
	// Rows copies rows [start, start+n) of the second-to-last dimension:
	// x [.., L, C] becomes [.., n, C] (for example the last position's
	// hidden state before the vocabulary projection).
	Rows(x Tensor, start, n int) Tensor

	// Attention is multi-head scaled dot-product attention. q is
	// [B, Lq, nHeads·D]; k and v are [B, Lkv, nKVHeads·D]; nHeads must be a
	// multiple of nKVHeads (grouped-query attention: query head h reads
	// key/value head h/(nHeads/nKVHeads)). Scores are scaled by 1/√D. With
	// causal, query i sees key j only when j ≤ i + Lkv − Lq (so a decode step
	// against a KV cache works). The result is [B, Lq, nHeads·D].
	Attention(q, k, v Tensor, nHeads, nKVHeads int, causal bool) Tensor

	// Embedding gathers rows of table [V, D] (any dtype) into [len(ids), D].
	// An id outside [0, V) is a sticky error.
	Embedding(table Tensor, ids []int32) Tensor
	// RoPE rotates x [B, L, nHeads·D] by position pos0+l, rotating adjacent
	// pairs (x[2i], x[2i+1]) by angle pos·base^(−2i/D) (GGML's "normal" mode,
	// as llama.cpp's llama GGUF expects).
	RoPE(x Tensor, nHeads, pos0 int, base float32) Tensor
	// TimestepEmbedding returns [len(t), dim]: row n is
	// [cos(t·f_0) … cos(t·f_{h−1}), sin(t·f_0) … sin(t·f_{h−1})] with h = dim/2
	// and f_i = 10000^(−i/h) (diffusers' flip_sin_to_cos=True, shift 0).
	TimestepEmbedding(t []float32, dim int) Tensor
}
