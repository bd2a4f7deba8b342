// attention_serial: attention.wgsl's contract (grouped-query heads, causal
// with Lq < Lkv) with one invocation per (batch, head, query row) walking
// all of its keys alone: an online softmax over four keys at a time, the
// output row in a private array. For a CPU implementation of WebGPU
// (SwiftShader), where the tiled kernels' workgroup barriers cost
// milliseconds per dispatch (most of a decoded token's time) and an
// invocation is a plain loop anyway. No workgroup memory, no barrier;
// D <= 256.

struct Params { rows: u32, lq: u32, lkv: u32, h: u32, kvh: u32, d: u32, causal: u32, scale: f32 }

// A template: T is the element type and W its width in f32s. With VEC
// (D % 4 == 0; T vec4f, W 4) q, k, v and out are read as vec4f: a quarter
// of the loop trips and of the accumulator's dynamically indexed slots
// (BENCHMARKS.md, session 4).
@group(0) @binding(0) var<storage, read> q: array<{{T}}>;
@group(0) @binding(1) var<storage, read> k: array<{{T}}>;
@group(0) @binding(2) var<storage, read> v: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> out: array<{{T}}>;
@group(0) @binding(4) var<uniform> p: Params;

#include attention_row

const MAXD = 256u / {{W}}u; // elements of a row: D <= 256
const NEG = -3.0e38;

// hsum is the sum of an element's values.
fn hsum(x: {{T}}) -> f32 {
#if VEC
    return dot(x, vec4f(1.0));
#else
    return x;
#endif
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let r = gid.x + gid.y * nwg.x * 64u; // (b * H + h) * Lq + i
    if (r >= p.rows) { return; }
    let row = attention_row(r);
    let width = {{W}}u; // values per element: 4 with VEC
    let d = p.d / width;
    let qoff = row.qoff / width;
    var m = NEG;
    var l = 0.0;
    var acc: array<{{T}}, MAXD>;
    // Four keys a trip: each load of q and each update of acc (both
    // dynamically indexed, so gathers on SwiftShader) serves four keys.
    // Keys past the last are read as the last and weigh nothing.
    for (var j = 0u; j < row.last; j += 4u) {
        let keys = vec4u(j) + vec4u(0u, 1u, 2u, 3u);
        let kb = (row.kvoff + min(keys, vec4u(row.last - 1u)) * row.kvs) / width;
        var d0 = {{T}}(0.0);
        var d1 = {{T}}(0.0);
        var d2 = {{T}}(0.0);
        var d3 = {{T}}(0.0);
        for (var e = 0u; e < d; e++) {
            let qe = q[qoff + e];
            d0 += qe * k[kb.x + e];
            d1 += qe * k[kb.y + e];
            d2 += qe * k[kb.z + e];
            d3 += qe * k[kb.w + e];
        }
        let s = select(vec4f(hsum(d0), hsum(d1), hsum(d2), hsum(d3)) * p.scale, vec4f(NEG),
                       keys >= vec4u(row.last));
        let mn = max(m, max(max(s.x, s.y), max(s.z, s.w)));
        let corr = exp(m - mn);
        let w = exp(s - mn);
        l = l * corr + dot(w, vec4f(1.0));
        for (var e = 0u; e < d; e++) {
            acc[e] = acc[e] * corr + w.x * v[kb.x + e] + w.y * v[kb.y + e] + w.z * v[kb.z + e] + w.w * v[kb.w + e];
        }
        m = mn;
    }
    for (var e = 0u; e < d; e++) {
        var y = {{T}}(0.0);
        if (l > 0.0) { y = acc[e] / l; }
        out[qoff + e] = y;
    }
}
