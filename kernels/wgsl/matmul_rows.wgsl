// matmul_rows: out[m, n] = sum_k a[m, k] * W[n, k] (a weight shared by
// every row of a, transposed as models store it: f32, or QUANT with Q8 or
// Q4 a repacked Q8_0/Q4_0 one), then epilogue.wgsli. For software
// adapters (SwiftShader) with subgroups, where it runs a prefill's
// products 2-3 times as fast as matmul_tiled.wgsl; GPUs and the other
// products run that.
//
// Why, as conv2d_rows.wgsl: SwiftShader runs 4 invocations as the lanes of
// a SIMD register (its subgroup), and a load at a computed address, from
// storage or workgroup memory alike, is a gather of 4 scalar loads. The
// tiled kernel gathers every staged value twice (into and out of workgroup
// memory) and waits at barriers. Here an invocation keeps 4 rows of a by 8
// weight rows of sums in registers; for each 4 values of k it loads 4
// vec4s of a and 2 of the 8 weight rows' vec4s (unpacking and scaling a
// quantized one), and subgroupBroadcast, a register shuffle there, hands
// each lane's weights to the other lanes, which work on the same 8 weight
// rows and other rows of a.
//
// Invocation i takes weight rows 8·(i / p.mblocks) .. +8 and rows of a
// 4·(i % p.mblocks) .. +4. The host rounds p.mblocks up to a multiple of
// the subgroup size, so that a subgroup's lanes share their weight rows;
// rows of a and of W past the end are read clamped and not stored.

enable subgroups;

struct Params { m: u32, n: u32, k: u32, mblocks: u32, epi: u32, c_len: u32 }

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
#if QUANT
@group(0) @binding(1) var<storage, read> qs: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<f32>;
@group(0) @binding(3) var<storage, read> c: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
#else
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> c: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
#endif
#include epilogue
#include unpack

const WG = 64u;

// weight returns values 4·kk .. +4 of the weight row that starts at
// vec4 r (at block r / 8 for QUANT).
fn weight(r: u32, kk: u32) -> vec4f {
#if QUANT
    let b = (r + kk) / 8u; // the block
    let j = kk % 8u;       // its vec4
#if Q8
    return unpack_i8(qs[b * 8u + j]) * scales[b];
#else
    // Byte i of a Q4_0 block's word j % 4 holds value 4(j % 4) + i in its
    // low nibble and 16 more in its high one.
    let x = qs[b * 4u + j % 4u];
    let v = vec4i((vec4u(x) >> (vec4u(0u, 8u, 16u, 24u) + 4u * (j / 4u))) & vec4u(0xfu)) - vec4i(8);
    return vec4f(v) * scales[b];
#endif
#else
    return w[r + kk];
#endif
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32, @builtin(subgroup_invocation_id) lane: u32) {
    let i = (wg.x + wg.y * nwg.x) * WG + t;
    let nblocks = (p.n + 7u) / 8u;
    // Invocations past the end compute on clamped indices and store
    // nothing: every lane of a subgroup must reach the broadcasts.
    let live = i < nblocks * p.mblocks;
    let n0 = min(i / p.mblocks, nblocks - 1u) * 8u;
    let m0 = (i % p.mblocks) * 4u;
    let k4 = p.k / 4u;
    let a0 = min(m0, p.m - 1u) * k4;
    let a1 = min(m0 + 1u, p.m - 1u) * k4;
    let a2 = min(m0 + 2u, p.m - 1u) * k4;
    let a3 = min(m0 + 3u, p.m - 1u) * k4;
    // This lane loads weight rows n0 + 2·lane and + 1 (lanes past 3 load
    // lane 3's: a subgroup over 4 broadcasts from 0 .. 3).
    let mine = n0 + 2u * min(lane, 3u);
    let wa = min(mine, p.n - 1u) * k4;
    let wb = min(mine + 1u, p.n - 1u) * k4;
    // Component j of sRL / sRH: row m0+R's sum for weight row n0+j / n0+4+j.
    // Named, not an array, so that they stay in registers.
    var s0L = vec4f(0.0);
    var s0H = vec4f(0.0);
    var s1L = vec4f(0.0);
    var s1H = vec4f(0.0);
    var s2L = vec4f(0.0);
    var s2H = vec4f(0.0);
    var s3L = vec4f(0.0);
    var s3H = vec4f(0.0);
    for (var kk = 0u; kk < k4; kk++) {
        let va = weight(wa, kk);
        let vb = weight(wb, kk);
        // Column j: weight row n0+j's (n0+4+j's) 4 values.
        let wl = mat4x4f(subgroupBroadcast(va, 0u), subgroupBroadcast(vb, 0u),
                         subgroupBroadcast(va, 1u), subgroupBroadcast(vb, 1u));
        let wh = mat4x4f(subgroupBroadcast(va, 2u), subgroupBroadcast(vb, 2u),
                         subgroupBroadcast(va, 3u), subgroupBroadcast(vb, 3u));
        let x0 = a[a0 + kk];
        let x1 = a[a1 + kk];
        let x2 = a[a2 + kk];
        let x3 = a[a3 + kk];
        s0L += x0 * wl;
        s0H += x0 * wh;
        s1L += x1 * wl;
        s1H += x1 * wh;
        s2L += x2 * wl;
        s2H += x2 * wh;
        s3L += x3 * wl;
        s3H += x3 * wh;
    }
    if (!live) { return; }
    store(m0, n0, s0L, s0H);
    store(m0 + 1u, n0, s1L, s1H);
    store(m0 + 2u, n0, s2L, s2H);
    store(m0 + 3u, n0, s3L, s3H);
}

// store writes out[m, n0 .. n0+8] through the epilogue, leaving out what
// lies past the end.
fn store(m: u32, n0: u32, lo: vec4f, hi: vec4f) {
    if (m >= p.m) { return; }
    let o = m * p.n;
    for (var j = 0u; j < 4u; j++) {
        if (n0 + j < p.n) { out[o + n0 + j] = epilogue(o + n0 + j, lo[j]); }
        if (n0 + 4u + j < p.n) { out[o + n0 + 4u + j] = epilogue(o + n0 + 4u + j, hi[j]); }
    }
}
