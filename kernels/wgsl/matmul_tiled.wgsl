// matmul_tiled: out[bat, m, n] = sum_k a[bat, m, k] * B(bat, k, n) (the
// reference is kernels/ref MatMul, MatMulRaw and Conv2d). B(k, n) is, by
// variant:
//   B_T   b[n, k]  (f32, nn.Linear's layout, transB)
//   B_N   b[k, n]  (f32)
//   Q8    the Q8_0 weight W[n, k], repacked (layout: weights/quant Repack)
//   Q4    the Q4_0 weight W[n, k], repacked (layout: weights/quant Repack)
//   CONV  im2col of image bat of x [N, C, H, W], gathered on the fly
//         (k = (c, ky, kx), n = (oy, ox)): with a = the conv weight
//         [O, C*ks*ks] (stride_a 0) this is conv2d as an implicit GEMM, and
//         out [O, OH*OW] per image is NCHW; bias[m] is added when has_bias.
// stride_a and stride_b are the batch strides in values (stride_b 0: one b
// shared by the batch).
//
// A template (kernels/wgsl Specialize): a WG x WG workgroup computes a
// (WG*TM) x (WG*TN) output tile; each invocation keeps a TM x TN block of it
// in registers (vec4 accumulators). The k loop walks TK-deep slices: a and b
// slices are staged in workgroup memory k-major, so the inner loop reads one
// vec4 of a column and one vec4 of b per 4x4 outer product. Quantized
// weights use TK = 32, one GGML block per weight row per slice, dequantized
// while staged. AVEC: K % 4 == 0, a (and a transB b) are read as vec4;
// OVEC: N % 4 == 0, the output (and a B_N b) are vec4. Otherwise the loads
// are scalar with bounds checks, so any shape works. PIPE (f32 b only)
// stages in two buffers, loading the next slice while computing on this
// one.

struct Params {
    m: u32, n: u32, k: u32, batch: u32,
    tiles_m: u32, stride_a: u32, stride_b: u32, has_bias: u32,
    // CONV only: the input image and kernel.
    c: u32, h: u32, w: u32, ks: u32,
    stride: u32, pad: u32, oh: u32, ow: u32,
    epi: u32, c_len: u32, // epilogue.wgsli's
}

@group(0) @binding(0) var<storage, read> a: array<{{AT}}>;
#if QUANT
@group(0) @binding(1) var<storage, read> qs: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
@group(0) @binding(3) var<storage, read> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<{{OT}}>;
@group(0) @binding(5) var<uniform> p: Params;
#elif CONV
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<{{OT}}>;
@group(0) @binding(5) var<uniform> p: Params;
#else
@group(0) @binding(1) var<storage, read> b: array<{{BT}}>;
@group(0) @binding(2) var<storage, read> c: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<{{OT}}>;
@group(0) @binding(4) var<uniform> p: Params;
#endif
#include epilogue

const WG = {{WG}}u; // the workgroup is WG x WG
const NT = WG * WG;
const TM = {{TM}}u;
const TN = {{TN}}u;
const TK = {{TK}}u;
const BM = WG * TM;
const BN = WG * TN;
// Where an invocation's 4-row (4-column) groups of its block lie, counted in
// vec4s of the staged slices: the first at lid * GA (lid * GB), the second
// DA (DB) after it.
#if SPREAD
// GPUs: interleaved, the second group WG groups after the first, so that
// neighbouring invocations read neighbouring vec4s of workgroup memory (no
// bank conflicts) and store neighbouring vec4s of the output.
const GA = 1u;
const DA = WG;
const GB = 1u;
const DB = WG;
#else
// SwiftShader (no banks): neighbours, the layout its tile shapes were
// measured with; interleaved measured slower there on the 32-channel
// conv2d.
const GA = TM / 4u;
const DA = 1u;
const GB = TN / 4u;
const DB = 1u;
#endif
#if PIPE
const STAGES = 2u;
#else
const STAGES = 1u;
#endif

// The staged slices, k-major: as_[s*TK + k][m / 4] holds rows m..m+3 of
// column k of stage s's a slice. Two-dimensional so that the inner loop's
// reads index the outer array with a constant (once unrolled) and the
// inner with a per-invocation one: a bounds clamp on each is then
// loop-invariant, where a flat index is clamped on every read.
var<workgroup> as_: array<array<vec4f, BM / 4u>, STAGES * TK>;
var<workgroup> bs: array<array<vec4f, BN / 4u>, STAGES * TK>;

fn put_a(k: u32, m: u32, v: f32) { as_[k][m / 4u][m % 4u] = v; }
fn put_b(k: u32, n: u32, v: f32) { bs[k][n / 4u][n % 4u] = v; }

// load4_a returns a[base + i .. +4], zero past k_end (scalar variant) or the
// whole vec4 (AVEC: base + i is a multiple of 4 and the vec4 is all in or
// all out).
fn load4_a(base: u32, i: u32, k_end: u32) -> vec4f {
#if AVEC
    if (i >= k_end) { return vec4f(0.0); }
    return a[(base + i) / 4u];
#else
    var v = vec4f(0.0);
    for (var j = 0u; j < 4u; j++) {
        if (i + j < k_end) { v[j] = a[base + i + j]; }
    }
    return v;
#endif
}

#if B_T
fn load4_b(base: u32, i: u32, k_end: u32) -> vec4f {
#if AVEC
    if (i >= k_end) { return vec4f(0.0); }
    return b[(base + i) / 4u];
#else
    var v = vec4f(0.0);
    for (var j = 0u; j < 4u; j++) {
        if (i + j < k_end) { v[j] = b[base + i + j]; }
    }
    return v;
#endif
}
#endif

#if PIPE
#include matmul_pipe
#endif

#include unpack

// stage_a fills stage 0 of as_ with a(row0 .. row0+BM, k0 .. k0+TK), zero
// outside, loading 4 along k at a time. (Going through fetch_a and
// put_a_slice instead measured slower on SwiftShader, which keeps their
// array in memory.)
fn stage_a(t: u32, abase: u32, row0: u32, k0: u32) {
    for (var i = t; i < BM * TK / 4u; i += NT) {
        let r = i / (TK / 4u);
        let kq = 4u * (i % (TK / 4u));
        var v = vec4f(0.0);
        if (row0 + r < p.m) { v = load4_a(abase + (row0 + r) * p.k, k0 + kq, p.k); }
        put_a(kq, r, v.x); put_a(kq + 1u, r, v.y); put_a(kq + 2u, r, v.z); put_a(kq + 3u, r, v.w);
    }
}

// stage_b fills stage 0 of bs with B(k0 .. k0+TK, col0 .. col0+BN), zero
// outside.
fn stage_b(t: u32, bbase: u32, k0: u32, col0: u32) {
#if B_T
    for (var i = t; i < BN * TK / 4u; i += NT) {
        let r = i / (TK / 4u);
        let kq = 4u * (i % (TK / 4u));
        var v = vec4f(0.0);
        if (col0 + r < p.n) { v = load4_b(bbase + (col0 + r) * p.k, k0 + kq, p.k); }
        put_b(kq, r, v.x); put_b(kq + 1u, r, v.y); put_b(kq + 2u, r, v.z); put_b(kq + 3u, r, v.w);
    }
#elif B_N
    for (var i = t; i < BN * TK / 4u; i += NT) {
        let kr = i / (BN / 4u);
        let nq = i % (BN / 4u);
        let kk = k0 + kr;
        let col = col0 + 4u * nq;
        var v = vec4f(0.0);
        if (kk < p.k) {
#if OVEC
            if (col < p.n) { v = b[(bbase + kk * p.n + col) / 4u]; }
#else
            for (var j = 0u; j < 4u; j++) {
                if (col + j < p.n) { v[j] = b[bbase + kk * p.n + col + j]; }
            }
#endif
        }
        bs[kr][nq] = v;
    }
#elif CONV
    // NT is a multiple of BN (the host picks WG a multiple of TN), so each
    // invocation stages one column, one output pixel: its window is worked
    // out once, and consecutive invocations read neighbouring pixels.
    let nn = t % BN;
    let col = col0 + nn;
    let iy0 = i32((col / p.ow) * p.stride) - i32(p.pad);
    let ix0 = i32((col % p.ow) * p.stride) - i32(p.pad);
    // (c, ky, kx) of row kk is stepped along rather than divided out per
    // value: divisions dominate the gather on a CPU.
    let step = NT / BN;
    let kk2 = p.ks * p.ks;
    let kfirst = k0 + t / BN;
    var c = kfirst / kk2;
    var ky = (kfirst % kk2) / p.ks;
    var kx = kfirst % p.ks;
    for (var kr = t / BN; kr < TK; kr += step) {
        var v = 0.0;
        if (k0 + kr < p.k && col < p.n) {
            let iy = iy0 + i32(ky);
            let ix = ix0 + i32(kx);
            if (iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w)) {
                v = b[bbase + (c * p.h + u32(iy)) * p.w + u32(ix)];
            }
        }
        put_b(kr, nn, v);
        kx += step;
        while (kx >= p.ks) { kx -= p.ks; ky++; }
        while (ky >= p.ks) { ky -= p.ks; c++; }
    }
#elif Q8
    // TK == 32: one block per weight row, 8 words of 4 int8 each.
    let nbk = p.k / 32u;
    for (var i = t; i < BN * 8u; i += NT) {
        let r = i / 8u;
        let w = i % 8u;
        var v = vec4f(0.0);
        if (col0 + r < p.n) {
            let blk = (col0 + r) * nbk + k0 / 32u;
            v = unpack_i8(qs[blk * 8u + w]) * scales[blk];
        }
        put_b(4u * w, r, v.x); put_b(4u * w + 1u, r, v.y); put_b(4u * w + 2u, r, v.z); put_b(4u * w + 3u, r, v.w);
    }
#elif Q4
    // TK == 32: one block per weight row, 4 words of 8 nibbles each: byte
    // j of word w holds value 4w+j (low nibble) and 4w+j+16 (high).
    let nbk = p.k / 32u;
    for (var i = t; i < BN * 4u; i += NT) {
        let r = i / 4u;
        let w = i % 4u;
        var lo = vec4f(0.0);
        var hi = vec4f(0.0);
        if (col0 + r < p.n) {
            let blk = (col0 + r) * nbk + k0 / 32u;
            let bytes = (vec4u(qs[blk * 4u + w]) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
            let s = scales[blk];
            lo = vec4f(vec4i(bytes & vec4u(0xfu)) - vec4i(8)) * s;
            hi = vec4f(vec4i(bytes >> vec4u(4u)) - vec4i(8)) * s;
        }
        let k = 4u * w;
        put_b(k, r, lo.x); put_b(k + 1u, r, lo.y); put_b(k + 2u, r, lo.z); put_b(k + 3u, r, lo.w);
        put_b(k + 16u, r, hi.x); put_b(k + 17u, r, hi.y); put_b(k + 18u, r, hi.z); put_b(k + 19u, r, hi.w);
    }
#endif
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
    let lin = wg.y + wg.z * nwg.y;
    if (lin >= p.batch * p.tiles_m) { return; }
    let bat = lin / p.tiles_m;
    let row0 = (lin % p.tiles_m) * BM;
    let col0 = wg.x * BN;
    let abase = bat * p.stride_a;
    let bbase = bat * p.stride_b;

    // The TM x TN block as 4x4 matrices, named rather than an array so
    // that they stay in registers (no dynamic indexing): column r of accIJ
    // holds row r of the block's I-th 4 rows, its J-th 4 columns (GA, DA,
    // GB, DB place them). TM and TN are 4 or 8.
    var acc00 = mat4x4f();
    var acc01 = mat4x4f();
    var acc10 = mat4x4f();
    var acc11 = mat4x4f();
    let ia = lid.y * GA;
    let ib = lid.x * GB;
#if PIPE
    var ra = fetch_a(t, abase, row0, 0u);
    var rb = fetch_b(t, bbase, 0u, col0);
#endif
    var s = 0u; // the stage computed on
    for (var k0 = 0u; k0 < p.k; k0 += TK) {
#if PIPE
        // Two stages: this slice is stored into one while slower
        // invocations may still compute on the other, and the barrier
        // before the next store into this one comes after every
        // invocation's last read of it; so one barrier a slice.
        put_a_slice(t, s, ra);
        put_b_slice(t, s, rb);
        workgroupBarrier();
        if (k0 + TK < p.k) {
            ra = fetch_a(t, abase, row0, k0 + TK);
            rb = fetch_b(t, bbase, k0 + TK, col0);
        }
#else
        stage_a(t, abase, row0, k0);
        stage_b(t, bbase, k0, col0);
        workgroupBarrier();
#endif
        for (var kk = 0u; kk < TK; kk++) {
            let a0 = as_[s * TK + kk][ia];
            let b0 = bs[s * TK + kk][ib];
            acc00 += outer(a0, b0);
            if (TN == 8u) {
                let b1 = bs[s * TK + kk][ib + DB];
                acc01 += outer(a0, b1);
                if (TM == 8u) {
                    let a1 = as_[s * TK + kk][ia + DA];
                    acc10 += outer(a1, b0);
                    acc11 += outer(a1, b1);
                }
            } else if (TM == 8u) {
                let a1 = as_[s * TK + kk][ia + DA];
                acc10 += outer(a1, b0);
            }
        }
#if PIPE
        s = 1u - s;
#else
        workgroupBarrier();
#endif
    }

    let obase = bat * p.m * p.n;
    let rowb = row0 + 4u * ia;
    let colb = col0 + 4u * ib;
    for (var r = 0u; r < 4u; r++) {
        store4(obase, rowb + r, colb, acc00[r]);
        if (TN == 8u) { store4(obase, rowb + r, colb + 4u * DB, acc01[r]); }
        if (TM == 8u) {
            store4(obase, rowb + 4u * DA + r, colb, acc10[r]);
            if (TN == 8u) { store4(obase, rowb + 4u * DA + r, colb + 4u * DB, acc11[r]); }
        }
    }
}

// outer returns the outer product of a (4 rows) and b (4 columns): column
// r is a[r] * b, the contribution to row r.
fn outer(a: vec4f, b: vec4f) -> mat4x4f {
    return mat4x4f(a.x * b, a.y * b, a.z * b, a.w * b);
}

// store4 writes out[row, col .. col+4] (CONV: plus the bias) through the
// epilogue, dropping what falls outside the m x n output.
fn store4(obase: u32, row: u32, col: u32, acc: vec4f) {
    if (row >= p.m) { return; }
    var v = acc;
    let i = obase + row * p.n + col;
#if CONV
    if (p.has_bias != 0u) { v += vec4f(bias[row]); }
#endif
    for (var e = 0u; e < 4u; e++) { v[e] = epilogue(i + e, v[e]); }
#if OVEC
    if (col < p.n) { out[i / 4u] = v; }
#else
    for (var e = 0u; e < 4u; e++) {
        if (col + e < p.n) { out[i + e] = v[e]; }
    }
#endif
}
