package selftest

import "github.com/genplay/genplay/weights/quant"

// Cases returns the op table: every op on several small, deliberately
// awkward shapes (sizes that are not multiples of 8, 16 or 64, batches,
// M=1, broadcasting, odd images, GQA, causal with Lq < Lkv, ...). The whole
// table is about 4 MFLOP so it runs in seconds on a software GPU.
func Cases() []Case {
	const q8, q4 = quant.Q8_0, quant.Q4_0
	return []Case{
		matmulCase(1, 7, 13, 19, false, false),
		matmulCase(1, 7, 13, 19, false, true),
		matmulCase(3, 5, 17, 33, true, false),
		matmulCase(2, 4, 9, 70, true, true),
		matmulCase(3, 6, 11, 20, false, true), // 2-D b shared by the batch
		matmulCase(2, 1, 67, 40, false, false),
		matmulCase(1, 1, 130, 65, false, true),
		matmulCase(1, 37, 70, 45, false, true),
		matmulCase(1, 70, 40, 36, true, true), // a batch of one weight: as a 2-D one

		matmulRawCase(q8, 1, 1, 45, 32),
		matmulRawCase(q8, 1, 1, 33, 96),
		matmulRawCase(q8, 2, 5, 19, 96),
		matmulRawCase(q8, 1, 33, 70, 64),
		matmulRawCase(q4, 1, 1, 45, 32),
		matmulRawCase(q4, 1, 1, 33, 96),
		matmulRawCase(q4, 2, 5, 19, 96),
		matmulRawCase(q4, 1, 33, 70, 64),
		matmulRawCase(quant.F16, 1, 3, 17, 40),
		matmulRawCase(quant.F16, 2, 1, 9, 64),
		matmulRawCase(quant.BF16, 1, 2, 11, 40),

		binaryCase("Add", []int{2, 3, 5, 7}, []int{2, 3, 5, 7}),
		binaryCase("Add", []int{2, 3, 5, 7}, []int{5, 7}),
		binaryCase("Add", []int{4, 33}, []int{33}),
		binaryCase("Mul", []int{3, 1, 9}, []int{1, 9}),
		binaryCase("Mul", []int{2, 3, 5, 7}, []int{3, 5, 7}),
		binaryCase("Mul", []int{65}, []int{65}),

		unaryCase("ScaleBias", 3, 3, 37),
		unaryCase("SiLU", 6, 5, 41),
		unaryCase("SiLU", 90, 2, 7), // e^−x overflows f32 for x < −88
		unaryCase("GELU", 6, 5, 41),
		unaryCase("GELU", 20, 3, 11), // a naive tanh overflows to NaN here
		unaryCase("GELUErf", 6, 5, 41),
		unaryCase("Softmax", 3, 4, 10),
		unaryCase("Softmax", 200, 3, 257), // without the max subtracted, e^x overflows
		unaryCase("Softmax", 1, 2, 3, 1),

		layerNormCase(true, 6, 48),
		layerNormCase(false, 2, 3, 33),
		rmsNormCase(5, 64),
		rmsNormCase(3, 17),
		groupNormCase(3, true, 2, 6, 5, 7),
		groupNormCase(8, false, 1, 8, 4, 4),
		groupNormCase(2, true, 1, 4, 9),
		groupNormSiLUCase(3, true, 2, 6, 5, 7),
		groupNormSiLUCase(8, false, 1, 8, 4, 4),
		addChannelsCase(2, 3, 5, 7),
		addChannelsCase(1, 4, 1, 1),
		matmulEpilogueCase(added, quant.F32, []int{1, 1, 40}, 33, 33),         // a bias, matvec
		matmulEpilogueCase(added, q8, []int{1, 3, 64}, 45, 1, 3, 45),          // a residual, matvec
		matmulEpilogueCase(added, q4, []int{2, 7, 32}, 19, 7, 19),             // broadcast over the batch, tiled
		matmulEpilogueCase(added, quant.F32, []int{1, 37, 44}, 70, 1, 37, 70), // tiled, vec4 stores
		matmulEpilogueCase(added, quant.F16, []int{5, 33}, 9, 9),              // scalar loads and stores
		matmulEpilogueCase(gated, q8, []int{1, 1, 96}, 70),
		matmulEpilogueCase(gated, q4, []int{1, 33, 64}, 21),
		matmulEpilogueCase(gated, quant.F32, []int{6, 20}, 12),
		matmulEpilogueCase(biasGELU, quant.F32, []int{1, 1, 40}, 33, 33), // GPT-2's up-projection, matvec
		matmulEpilogueCase(biasGELU, q8, []int{1, 9, 64}, 45, 45),        // tiled
		matmulEpilogueCase(biasGELU, quant.F16, []int{5, 33}, 9, 9),      // scalar loads and stores
		swigluCase(q8, []int{1, 1, 96}, 37),                              // a decode step
		swigluCase(q4, []int{2, 64}, 21),
		swigluCase(quant.F32, []int{1, 1, 44}, 19),               // vec4 f32
		swigluCase(quant.F16, []int{1, 33}, 10),                  // scalar f32
		swigluCase(q8, []int{1, 9, 64}, 30),                      // prefill: two matmuls
		rmsNormMatMulCase(q8, false, []int{1, 1, 96}, 37),        // a decode step
		rmsNormMatMulCase(q4, false, []int{1, 3, 64}, 45),        // 3 rows, each its own norm
		rmsNormMatMulCase(quant.F32, false, []int{1, 1, 44}, 19), // vec4 f32
		rmsNormMatMulCase(quant.F16, false, []int{1, 33}, 10),    // scalar f32: unfused
		rmsNormMatMulCase(q8, false, []int{1, 9, 64}, 30),        // prefill: unfused
		rmsNormMatMulCase(q8, true, []int{1, 1, 96}, 37),         // SwiGLU's gate and up
		rmsNormMatMulCase(q4, true, []int{2, 64}, 21),
		rmsNormMatMulCase(quant.F32, true, []int{1, 1, 44}, 19),
		conv2dAddCase(2, 3, 7, 6, 5, 3, 1, 1),
		conv2dAddCase(1, 4, 9, 9, 8, 3, 2, 1),
		conv2dAddChannelsCase(2, 3, 7, 6, 5, 3, 1, 1),  // scalar stores (6x7 pixels)
		conv2dAddChannelsCase(2, 4, 8, 8, 12, 3, 1, 1), // vec4 stores
		conv2dAddChannelsCase(1, 9, 9, 10, 20, 3, 2, 1),
		// Shapes SwiftShader runs on conv2d_rows.wgsl (3x3, stride 1, 8
		// channels and 8 pixels an invocation), fewer than a workgroup's.
		conv2dAddCase(1, 5, 8, 8, 8, 3, 1, 1),
		conv2dAddChannelsCase(2, 4, 4, 24, 16, 3, 1, 1),
		splitQKVCase(0, 1, 5, 4, 2, 8, 3, 10000),
		splitQKVCase(1, 1, 5, 4, 2, 8, 3, 10000),
		splitQKVCase(2, 1, 5, 4, 2, 8, 3, 10000),
		splitQKVCase(0, 2, 3, 3, 3, 6, 0, 0), // GPT-2: no rotation
		splitQKVCase(1, 2, 3, 3, 3, 6, 0, 0),
		splitQKVCase(1, 1, 1, 2, 1, 64, 200, 500000), // a decode step
		appendRowsCase(24, 5, 1, 1, 1, 3, 1),
		appendRowsCase(7, 1, 2),

		conv2dCase(1, 3, 7, 9, 5, 3, 1, 1, true),
		conv2dCase(2, 4, 6, 5, 3, 1, 1, 0, false),
		conv2dCase(1, 5, 9, 8, 6, 3, 2, 1, true),
		conv2dCase(2, 2, 7, 7, 4, 3, 2, 0, false),
		conv2dCase(1, 8, 5, 6, 7, 1, 2, 0, true),
		conv2dCase(1, 9, 9, 10, 20, 3, 1, 1, true),
		conv2dCase(2, 3, 8, 16, 8, 3, 1, 1, true), // conv2d_rows
		conv2dCase(1, 1, 4, 8, 16, 3, 1, 1, false),
		conv2dCase(2, 6, 8, 8, 1, 3, 1, 1, true),   // one channel of a block of 8
		conv2dCase(1, 7, 4, 16, 12, 1, 1, 0, true), // 1x1, a block and a half
		conv2dCase(2, 9, 1, 1, 12, 1, 1, 0, true),  // 1x1 of 1x1 images: a matrix product
		conv2dCase(2, 3, 8, 16, 8, 3, 2, 1, true),  // conv2d_rows, stride 2
		conv2dCase(1, 2, 16, 32, 12, 3, 2, 1, false),
		conv2dCase(3, 5, 1, 1, 7, 1, 2, 0, false),
		upsampleCase(2, 3, 5, 7),
		upsampleCase(1, 1, 1, 1),
		concatCase(2, 3, 5, 4, 7),
		concatCase(1, 2, 1, 3),
		transposeCase(2, 5, 37),
		transposeCase(1, 64, 1),
		transposeCase(3, 33, 17),
		rowsCase(1, 7, 13, 6, 1),
		rowsCase(3, 9, 5, 2, 4),
		reshapeCase(5, 7),

		attentionCase(1, 7, 7, 2, 2, 8, false),
		attentionCase(2, 5, 5, 3, 3, 16, true),
		attentionCase(1, 3, 9, 4, 2, 8, true), // GQA, queries at the end of a longer sequence
		attentionCase(2, 6, 11, 2, 1, 12, false),
		attentionCase(1, 1, 13, 4, 2, 32, true), // one decode step against a KV cache
		attentionCase(1, 40, 40, 2, 2, 16, true),

		embeddingCase(quant.F32, 11, 20, 7),
		embeddingCase(q8, 9, 64, 5),
		embeddingCase(q4, 7, 32, 4),
		embeddingCase(quant.F16, 10, 40, 6),
		ropeCase(1, 5, 2, 8, 0, 10000),
		ropeCase(2, 3, 3, 6, 17, 10000),
		ropeCase(1, 1, 4, 64, 100, 500000),
		timestepCase(4, 32),
		timestepCase(3, 10),
	}
}

// BenchCases returns the benchmark table: the shapes that dominate the
// default models, large enough to measure throughput. Each case's FLOPs and
// Bytes say how to turn a time into GFLOP/s and GB/s.
func BenchCases() []Case {
	return []Case{
		matmulCase(1, 256, 256, 256, false, false),
		matmulCase(1, 256, 256, 256, false, true),
		matmulCase(1, 512, 512, 512, false, true),
		matmulRawCase(quant.Q8_0, 1, 1, 2048, 2048),
		matmulRawCase(quant.Q4_0, 1, 1, 2048, 2048),
		matmulRawCase(quant.Q8_0, 1, 32, 2048, 2048),
		matmulRawCase(quant.F16, 1, 1, 2048, 2048),
		conv2dCase(1, 64, 32, 32, 64, 3, 1, 1, true),
		conv2dCase(1, 128, 16, 16, 128, 1, 1, 0, true),
		attentionCase(1, 256, 256, 4, 4, 64, false),
		attentionCase(1, 256, 256, 4, 4, 64, true),
		unaryCase("Softmax", 4, 1024, 1024),
		groupNormCase(32, true, 1, 64, 64, 64),
		layerNormCase(true, 256, 768),
		binaryCase("Add", []int{1, 64, 64, 64}, []int{1, 64, 64, 64}),
		unaryCase("SiLU", 4, 1, 64, 64, 64),
		upsampleCase(1, 64, 32, 32),
		ropeCase(1, 256, 4, 64, 0, 10000),
		embeddingCase(quant.Q8_0, 4096, 512, 256),
	}
}
