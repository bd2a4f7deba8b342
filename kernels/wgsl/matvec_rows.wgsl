// matvec_rows: matvec.wgsl's product (out[r, n] = sum_k a[r, k] * W[n, k]
// for a few rows r, through the epilogue; DUAL: SiLU(a·W) * (a·W2)) for
// software adapters (SwiftShader), where one invocation takes four
// consecutive weight rows.
//
// Why four rows: SwiftShader runs 4 invocations as the lanes of a SIMD
// register, and every storage load at a computed address becomes a gather
// of 4 scalar loads, bounds-checked per lane. With one row per invocation,
// 32 of a Q8_0 block's 41 loads were the same 8 values of a, loaded again
// for every row; here each load of a serves 4 rows, and the 4 sums sit in
// one vec4f (component j: row n0 + j). That made the 4096x4096 Q8_0 product
// 2-3x faster there (BENCHMARKS.md). Rows past the end read the last row
// again and are not stored, so the loop has no per-row branch.
//
// NORM (kernels.RMSNormMatMul and RMSNormSwiGLU; quantized or AVEC): a is
// an RMSNorm's input and c its gamma (matvec_io.wgsli's normed): every
// invocation sums the squares of the whole row of a as it reads it, and
// scales its four rows' sums by 1/rms at the end.
//
// Workgroups: (x, y) a 2-D grid over groups of 4*WG weight rows, z over the
// rows of a. No barriers: SwiftShader switches coroutines at each one.

#include matvec_io

const WG = {{WG}}u; // invocations per workgroup

#if Q8
// q8_block is one Q8_0 block's dot product with a0..a7, a's 32 values
// under it: word j of lo/hi holds values 4j..4j+3 / 16+4j...
fn q8_block(lo: vec4u, hi: vec4u, a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f, a4: vec4f, a5: vec4f, a6: vec4f, a7: vec4f) -> f32 {
    return dot(unpack_i8(lo.x), a0) + dot(unpack_i8(lo.y), a1) + dot(unpack_i8(lo.z), a2) + dot(unpack_i8(lo.w), a3)
        + dot(unpack_i8(hi.x), a4) + dot(unpack_i8(hi.y), a5) + dot(unpack_i8(hi.z), a6) + dot(unpack_i8(hi.w), a7);
}
#elif Q4
// q4_word: byte j of a Q4_0 word holds the values at lo_a[j] (low nibble)
// and hi_a[j] (16 values on).
fn q4_word(x: u32, lo_a: vec4f, hi_a: vec4f) -> f32 {
    let bytes = (vec4u(x) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
    return dot(vec4f(vec4i(bytes & vec4u(0xfu)) - vec4i(8)), lo_a) + dot(vec4f(vec4i(bytes >> vec4u(4u)) - vec4i(8)), hi_a);
}

fn q4_block(q: vec4u, a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f, a4: vec4f, a5: vec4f, a6: vec4f, a7: vec4f) -> f32 {
    return q4_word(q.x, a0, a4) + q4_word(q.y, a1, a5) + q4_word(q.z, a2, a6) + q4_word(q.w, a3, a7);
}
#endif

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let row = wg.z;
    let n0 = ((wg.x + wg.y * nwg.x) * WG + t) * 4u;
    if (n0 >= p.n) { return; }
    let n1 = min(n0 + 1u, p.n - 1u);
    let n2 = min(n0 + 2u, p.n - 1u);
    let n3 = min(n0 + 3u, p.n - 1u);
    var s = vec4f(0.0);
    var s2 = vec4f(0.0); // DUAL: the sums for W2
#if QUANT
    let nbk = p.k / 32u;
    for (var bk = 0u; bk < nbk; bk++) {
        let ab = (row * p.k) / 4u + bk * 8u;
        let j = bk * 8u; // a's vec4s are normed (NORM) by their index in the row
        let a0 = normed(a[ab], j); let a1 = normed(a[ab + 1u], j + 1u);
        let a2 = normed(a[ab + 2u], j + 2u); let a3 = normed(a[ab + 3u], j + 3u);
        let a4 = normed(a[ab + 4u], j + 4u); let a5 = normed(a[ab + 5u], j + 5u);
        let a6 = normed(a[ab + 6u], j + 6u); let a7 = normed(a[ab + 7u], j + 7u);
        let b = vec4u(n0, n1, n2, n3) * nbk + bk; // the 4 rows' blocks
#if Q8
        s += vec4f(q8_block(qs[b.x * 2u], qs[b.x * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7),
                   q8_block(qs[b.y * 2u], qs[b.y * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7),
                   q8_block(qs[b.z * 2u], qs[b.z * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7),
                   q8_block(qs[b.w * 2u], qs[b.w * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7))
             * vec4f(scales[b.x], scales[b.y], scales[b.z], scales[b.w]);
#if DUAL
        s2 += vec4f(q8_block(qs2[b.x * 2u], qs2[b.x * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7),
                    q8_block(qs2[b.y * 2u], qs2[b.y * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7),
                    q8_block(qs2[b.z * 2u], qs2[b.z * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7),
                    q8_block(qs2[b.w * 2u], qs2[b.w * 2u + 1u], a0, a1, a2, a3, a4, a5, a6, a7))
              * vec4f(scales2[b.x], scales2[b.y], scales2[b.z], scales2[b.w]);
#endif
#else
        s += vec4f(q4_block(qs[b.x], a0, a1, a2, a3, a4, a5, a6, a7),
                   q4_block(qs[b.y], a0, a1, a2, a3, a4, a5, a6, a7),
                   q4_block(qs[b.z], a0, a1, a2, a3, a4, a5, a6, a7),
                   q4_block(qs[b.w], a0, a1, a2, a3, a4, a5, a6, a7))
             * vec4f(scales[b.x], scales[b.y], scales[b.z], scales[b.w]);
#if DUAL
        s2 += vec4f(q4_block(qs2[b.x], a0, a1, a2, a3, a4, a5, a6, a7),
                    q4_block(qs2[b.y], a0, a1, a2, a3, a4, a5, a6, a7),
                    q4_block(qs2[b.z], a0, a1, a2, a3, a4, a5, a6, a7),
                    q4_block(qs2[b.w], a0, a1, a2, a3, a4, a5, a6, a7))
              * vec4f(scales2[b.x], scales2[b.y], scales2[b.z], scales2[b.w]);
#endif
#endif
    }
#elif AVEC
    let k4 = p.k / 4u;
    let wb = vec4u(n0, n1, n2, n3) * k4;
    for (var i = 0u; i < k4; i++) {
        let av = normed(a[row * k4 + i], i);
        s += vec4f(dot(av, w[wb.x + i]), dot(av, w[wb.y + i]), dot(av, w[wb.z + i]), dot(av, w[wb.w + i]));
#if DUAL
        s2 += vec4f(dot(av, w2[wb.x + i]), dot(av, w2[wb.y + i]), dot(av, w2[wb.z + i]), dot(av, w2[wb.w + i]));
#endif
    }
#else
    let wb = vec4u(n0, n1, n2, n3) * p.k;
    for (var i = 0u; i < p.k; i++) {
        let av = a[row * p.k + i];
        s += av * vec4f(w[wb.x + i], w[wb.y + i], w[wb.z + i], w[wb.w + i]);
#if DUAL
        s2 += av * vec4f(w2[wb.x + i], w2[wb.y + i], w2[wb.z + i], w2[wb.w + i]);
#endif
    }
#endif
#if NORM
    let r = rms_scale(ss);
    s *= r;
    s2 *= r;
#endif
    let o = row * p.n + n0;
    out[o] = finish(o, vec2f(s.x, s2.x));
    if (n0 + 1u < p.n) { out[o + 1u] = finish(o + 1u, vec2f(s.y, s2.y)); }
    if (n0 + 2u < p.n) { out[o + 2u] = finish(o + 2u, vec2f(s.z, s2.z)); }
    if (n0 + 3u < p.n) { out[o + 3u] = finish(o + 3u, vec2f(s.w, s2.w)); }
}
