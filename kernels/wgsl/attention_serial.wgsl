// attention_serial: attention.wgsl's contract (grouped-query heads, causal
// with Lq < Lkv) with one invocation per (batch, head, query row) walking
// all of its keys alone: an online softmax over single keys, the output
// row in registers. For a CPU implementation of WebGPU (SwiftShader),
// where the tiled kernels' workgroup barriers cost milliseconds per
// dispatch (most of a decoded token's time) and an invocation is a plain
// loop anyway. No workgroup memory, no barrier; D <= MAXD.

struct Params { rows: u32, lq: u32, lkv: u32, h: u32, kvh: u32, d: u32, causal: u32, scale: f32 }

// A template: T is the element type and W its width in f32s. With VEC
// (D % 4 == 0; T vec4f, W 4) q, k, v and out are read as vec4f: a quarter
// of the loop trips and of the accumulator's dynamically indexed slots,
// about 25% less GPU time in a decode step (BENCHMARKS.md, session 4).
@group(0) @binding(0) var<storage, read> q: array<{{T}}>;
@group(0) @binding(1) var<storage, read> k: array<{{T}}>;
@group(0) @binding(2) var<storage, read> v: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> out: array<{{T}}>;
@group(0) @binding(4) var<uniform> p: Params;

#include attention_row

const MAXD = 256u / {{W}}u; // elements of a row: D <= 256
const NEG = -3.0e38;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let r = gid.x + gid.y * nwg.x * 64u; // (b * H + h) * Lq + i
    if (r >= p.rows) { return; }
    let row = attention_row(r);
    let w4 = {{W}}u; // values per element: 4 with VEC
    let d = p.d / w4;
    let qoff = row.qoff / w4;
    var m = NEG;
    var l = 0.0;
    var acc: array<{{T}}, MAXD>;
    for (var j = 0u; j < row.last; j++) {
        let kb = (row.kvoff + j * row.kvs) / w4;
        var dotp = {{T}}(0.0);
        for (var e = 0u; e < d; e++) { dotp += q[qoff + e] * k[kb + e]; }
#if VEC
        let s = dot(dotp, vec4f(1.0)) * p.scale;
#else
        let s = dotp * p.scale;
#endif
        let mn = max(m, s);
        let corr = exp(m - mn);
        let w = exp(s - mn);
        l = l * corr + w;
        for (var e = 0u; e < d; e++) { acc[e] = acc[e] * corr + w * v[kb + e]; }
        m = mn;
    }
    for (var e = 0u; e < d; e++) {
        var y = {{T}}(0.0);
        if (l > 0.0) { y = acc[e] / l; }
        out[qoff + e] = y;
    }
}
