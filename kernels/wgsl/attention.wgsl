// attention: multi-head scaled dot-product attention with grouped-query
// heads. q [B, Lq, H*D], k and v [B, Lkv, KVH*D]; query head h reads
// key/value head h / (H/KVH). With causal, query i sees key j only when
// j <= i + Lkv - Lq. out [B, Lq, H*D].
//
// One workgroup of 64 invocations per (batch, head, query row), streaming
// over the keys in chunks of 64 with an online softmax: invocation t scores
// key j0+t, then every invocation folds the chunk into its share of the
// output dimensions (d = t, t+64, t+128, t+192; so D <= 256).

struct Params { rows: u32, lq: u32, lkv: u32, h: u32, kvh: u32, d: u32, causal: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

const WG = 64u;
const NEG = -3.0e38;
var<workgroup> sc: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let r = wg.x + wg.y * nwg.x; // (b * H + h) * Lq + i
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
    var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
    for (var j0 = 0u; j0 < last; j0 += WG) {
        let j = j0 + t;
        var s = NEG;
        if (j < last) {
            var dotp = 0.0;
            let kb = kvoff + j * kvs;
            for (var e = 0u; e < p.d; e++) { dotp += q[qoff + e] * k[kb + e]; }
            s = dotp * p.scale;
        }
        sc[t] = s;
        workgroupBarrier();
        let cnt = min(WG, last - j0);
        var cm = m;
        for (var u = 0u; u < cnt; u++) { cm = max(cm, sc[u]); }
        let corr = exp(m - cm);
        l = l * corr;
        for (var e = 0u; e < 4u; e++) { acc[e] = acc[e] * corr; }
        for (var u = 0u; u < cnt; u++) {
            let w = exp(sc[u] - cm);
            l += w;
            let vb = kvoff + (j0 + u) * kvs;
            for (var e = 0u; e < 4u; e++) {
                let d = t + e * WG;
                if (d < p.d) { acc[e] += w * v[vb + d]; }
            }
        }
        m = cm;
        workgroupBarrier();
    }
    for (var e = 0u; e < 4u; e++) {
        let d = t + e * WG;
        if (d < p.d) {
            var y = 0.0;
            if (l > 0.0) { y = acc[e] / l; }
            out[qoff + d] = y;
        }
    }
}
