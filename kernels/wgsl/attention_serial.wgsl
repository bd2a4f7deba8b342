// attention_serial: attention.wgsl's contract (grouped-query heads, causal
// with Lq < Lkv) with one invocation per (batch, head, query row) walking
// all of its keys alone: an online softmax over single keys, the output
// row in registers. For a CPU implementation of WebGPU (SwiftShader),
// where the tiled kernels' workgroup barriers cost milliseconds per
// dispatch (most of a decoded token's time) and an invocation is a plain
// loop anyway. No workgroup memory, no barrier; D <= MAXD.

struct Params { rows: u32, lq: u32, lkv: u32, h: u32, kvh: u32, d: u32, causal: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

const MAXD = 256u;
const NEG = -3.0e38;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let r = gid.x + gid.y * nwg.x * 64u; // (b * H + h) * Lq + i
    if (r >= p.rows) { return; }
    let i = r % p.lq;
    let h = (r / p.lq) % p.h;
    let b = r / (p.lq * p.h);
    let kvh = h / (p.h / p.kvh);
    let qoff = (b * p.lq + i) * p.h * p.d + h * p.d;
    let kvs = p.kvh * p.d; // stride between key rows
    let kvoff = b * p.lkv * kvs + kvh * p.d;
    var last = p.lkv; // keys [0, last) are visible
    if (p.causal != 0u) {
        last = u32(clamp(i32(i) + i32(p.lkv) - i32(p.lq) + 1, 0, i32(p.lkv)));
    }
    var m = NEG;
    var l = 0.0;
    var acc: array<f32, MAXD>;
    for (var j = 0u; j < last; j++) {
        let kb = kvoff + j * kvs;
        var dotp = 0.0;
        for (var e = 0u; e < p.d; e++) { dotp += q[qoff + e] * k[kb + e]; }
        let s = dotp * p.scale;
        let mn = max(m, s);
        let corr = exp(m - mn);
        let w = exp(s - mn);
        l = l * corr + w;
        for (var e = 0u; e < p.d; e++) { acc[e] = acc[e] * corr + w * v[kb + e]; }
        m = mn;
    }
    for (var e = 0u; e < p.d; e++) {
        var y = 0.0;
        if (l > 0.0) { y = acc[e] / l; }
        out[qoff + e] = y;
    }
}
