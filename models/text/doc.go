// Package text runs decoder-only language models from GGUF files the way
// llama.cpp lays them out: GPT-2 (learned positions, LayerNorm, GELU, fused
// QKV) and Llama (RMSNorm, RoPE, SwiGLU, grouped-query attention), with
// their tokenizers from the tokenizer.ggml.* metadata, a KV cache and a
// sampler. The math runs on any kernels.Backend.
package text
