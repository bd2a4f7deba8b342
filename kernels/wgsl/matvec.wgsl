// matvec: out[r, n] = sum_k a[r, k] * W[n, k] for a few rows r (a decode
// step: M = 1) on a GPU, where W is, by variant, an f32 nn.Linear weight
// (F32), or a repacked Q8_0 (Q8) or Q4_0 (Q4) weight (layouts: weights/quant
// Repack; the reference is kernels/ref MatMul and MatMulRaw). Memory bound:
// every weight byte is read once per row. Software adapters run
// matvec_rows.wgsl instead.
//
// A template (kernels/wgsl Specialize): a workgroup of WG handles WG/LANES
// weight rows with LANES invocations each, which walk the row together
// (f32: consecutive invocations read consecutive words; quantized:
// consecutive blocks, 32 or 16 bytes each, in 16-byte loads), then one
// barrier and a LANES-term sum per output. Workgroups: (x, y) a 2-D grid
// over groups of WG/LANES weight rows, z over the rows of a. SUBGROUPS
// (where the device has the feature): the lanes of a row first sum within
// their subgroup with subgroupShuffleXor, so workgroup memory holds one
// partial per row and subgroup instead of one per lane (one per row on
// NVIDIA's 32). AVEC (F32 only): K % 4 == 0, read as vec4 (quantized K is a
// multiple of 32, always vec4). Every output goes through epilogue.wgsli (a
// fused bias, residual or SwiGLU gate). DUAL (kernels.SwiGLU): a second
// weight W2 of W's shape and dtype, each row of a read once for both, out =
// SiLU(a·W) * (a·W2): a SwiGLU MLP's gate and up projections in one
// dispatch. NORM (kernels.RMSNormMatMul and RMSNormSwiGLU; Q8, Q4 or AVEC):
// a is an RMSNorm's input and c its gamma; the lanes also sum a's squares
// and the row's sums are scaled by its 1/rms (matvec_io.wgsli's normed).

#if SUBGROUPS
enable subgroups;
#endif

#include matvec_io

const LANES = {{LANES}}u;
const WG = {{WG}}u; // invocations per workgroup
const ROWS = WG / LANES; // weight rows per workgroup

#if NORM
alias Sums = vec3f; // for W, W2 and (NORM) a's squares
#else
alias Sums = vec2f;
#endif
var<workgroup> part: array<Sums, WG>; // a lane's (or subgroup's) sums

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
#if SUBGROUPS
        @builtin(subgroup_size) sg_size: u32,
#endif
        @builtin(local_invocation_index) t: u32) {
    let g = wg.x + wg.y * nwg.x;
    if (g >= p.groups) { return; } // uniform per workgroup: the barrier below is safe
    let row = wg.z;
    let lane = t % LANES;
    let n = g * ROWS + t / LANES;
    var s = 0.0;
    var s2 = 0.0; // DUAL: the sum for W2
    if (n < p.n) {
#if Q8
        // Lane l takes blocks l, l+LANES, ...: 8 words and one scale each.
        let nbk = p.k / 32u;
        let abase = row * p.k / 4u; // a as vec4
        for (var bk = lane; bk < nbk; bk += LANES) {
            let blk = n * nbk + bk;
            let ab = abase + bk * 8u;
            var d = 0.0;
            var d2 = 0.0;
            for (var h = 0u; h < 2u; h++) {
                let q = qs[blk * 2u + h];
#if DUAL
                let q2 = qs2[blk * 2u + h];
#endif
                for (var w = 0u; w < 4u; w++) {
                    let av = normed(a[ab + 4u * h + w], bk * 8u + 4u * h + w);
                    d += dot(unpack_i8(q[w]), av);
#if DUAL
                    d2 += dot(unpack_i8(q2[w]), av);
#endif
                }
            }
            s += d * scales[blk];
#if DUAL
            s2 += d2 * scales2[blk];
#endif
        }
#elif Q4
        // Lane l takes blocks l, l+LANES, ...: 4 words and one scale each;
        // byte j of word w holds values 4w+j (low nibble) and 4w+j+16.
        let nbk = p.k / 32u;
        let abase = row * p.k / 4u;
        for (var bk = lane; bk < nbk; bk += LANES) {
            let blk = n * nbk + bk;
            let ab = abase + bk * 8u;
            var d = 0.0;
            var d2 = 0.0;
            let q = qs[blk];
#if DUAL
            let q2 = qs2[blk];
#endif
            for (var w = 0u; w < 4u; w++) {
                let lo_a = normed(a[ab + w], bk * 8u + w);
                let hi_a = normed(a[ab + 4u + w], bk * 8u + 4u + w);
                let bytes = (vec4u(q[w]) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
                d += dot(vec4f(vec4i(bytes & vec4u(0xfu)) - vec4i(8)), lo_a) + dot(vec4f(vec4i(bytes >> vec4u(4u)) - vec4i(8)), hi_a);
#if DUAL
                let bytes2 = (vec4u(q2[w]) >> vec4u(0u, 8u, 16u, 24u)) & vec4u(0xffu);
                d2 += dot(vec4f(vec4i(bytes2 & vec4u(0xfu)) - vec4i(8)), lo_a) + dot(vec4f(vec4i(bytes2 >> vec4u(4u)) - vec4i(8)), hi_a);
#endif
            }
            s += d * scales[blk];
#if DUAL
            s2 += d2 * scales2[blk];
#endif
        }
#elif AVEC
        let k4 = p.k / 4u;
        for (var i = lane; i < k4; i += LANES) {
            let av = normed(a[row * k4 + i], i);
            s += dot(av, w[n * k4 + i]);
#if DUAL
            s2 += dot(av, w2[n * k4 + i]);
#endif
        }
#else
        for (var i = lane; i < p.k; i += LANES) {
            let av = a[row * p.k + i];
            s += av * w[n * p.k + i];
#if DUAL
            s2 += av * w2[n * p.k + i];
#endif
        }
#endif
    }
#if NORM
    var acc = Sums(s, s2, ss);
#else
    var acc = Sums(s, s2);
#endif
#if SUBGROUPS
    // w lanes of a row share a subgroup (both are powers of two, rows
    // start at multiples of LANES): a butterfly leaves their sum in each.
    let w = min(LANES, sg_size);
    for (var off = w / 2u; off > 0u; off /= 2u) { acc += subgroupShuffleXor(acc, off); }
    if (t % w == 0u) { part[t / w] = acc; }
    workgroupBarrier();
    if (t < ROWS) {
        let nn = g * ROWS + t;
        if (nn < p.n) {
            let per = LANES / w;
            var sum = Sums(0.0);
            for (var l = 0u; l < per; l++) { sum += part[t * per + l]; }
            out[row * p.n + nn] = finish(row * p.n + nn, scaled(sum));
        }
    }
#else
    part[t] = acc;
    workgroupBarrier();
    if (t < ROWS) {
        let nn = g * ROWS + t;
        if (nn < p.n) {
            var sum = Sums(0.0);
            for (var l = 0u; l < LANES; l++) { sum += part[t * LANES + l]; }
            out[row * p.n + nn] = finish(row * p.n + nn, scaled(sum));
        }
    }
#endif
}

// scaled is a row's sums for W and W2, times 1/rms of a's row with NORM.
fn scaled(sum: Sums) -> vec2f {
#if NORM
    return sum.xy * rms_scale(sum.z);
#else
    return sum;
#endif
}
