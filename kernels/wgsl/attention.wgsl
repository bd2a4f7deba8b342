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

#include attention_row

const WG = 64u;
const NEG = -3.0e38;
var<workgroup> sc: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let r = wg.x + wg.y * nwg.x; // (b * H + h) * Lq + i
    if (r >= p.rows) { return; }
    let row = attention_row(r);
    var m = NEG;
    var l = 0.0;
    var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
    for (var j0 = 0u; j0 < row.last; j0 += WG) {
        let j = j0 + t;
        var s = NEG;
        if (j < row.last) {
            var dotp = 0.0;
            let kb = row.kvoff + j * row.kvs;
            for (var e = 0u; e < p.d; e++) { dotp += q[row.qoff + e] * k[kb + e]; }
            s = dotp * p.scale;
        }
        sc[t] = s;
        workgroupBarrier();
        let cnt = min(WG, row.last - j0);
        var cm = m;
        for (var u = 0u; u < cnt; u++) { cm = max(cm, sc[u]); }
        let corr = exp(m - cm);
        l = l * corr;
        for (var e = 0u; e < 4u; e++) { acc[e] = acc[e] * corr; }
        for (var u = 0u; u < cnt; u++) {
            let w = exp(sc[u] - cm);
            l += w;
            let vb = row.kvoff + (j0 + u) * row.kvs;
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
            out[row.qoff + d] = y;
        }
    }
}
