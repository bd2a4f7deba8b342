// attention_tiled: the same op as attention.wgsl (reference: kernels/ref
// Attention), tiled flash-attention style for head sizes D <= 64, D % 4 == 0.
//
// A template (kernels/wgsl Specialize) over D. One workgroup of 64
// invocations takes 16 query rows of one (batch, head): 4 invocations per
// query, each owning D/4 output dimensions. The keys are walked in tiles of
// 16: K and V tiles are staged in workgroup memory once for all 16 queries,
// each invocation scores 4 keys of its query, then every invocation folds
// the tile into its running max, sum and outputs (online softmax), so the
// scores never reach global memory. Causal blocks stop at the last key
// their last query sees. Workgroups: (x, y) a 2-D grid over
// batch * heads * ceil(Lq / 16). SUBGROUPS (where the device has the
// feature): a query's 4 invocations, 4 neighbouring lanes of a subgroup,
// pass their scores to each other with subgroupShuffle instead of through
// workgroup memory, which saves a barrier a tile.

#if SUBGROUPS
enable subgroups;
#endif

struct Params { groups: u32, lq: u32, lkv: u32, h: u32, kvh: u32, qblocks: u32, causal: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

const D = {{D}}u;
const D4 = D / 4u;
const DT = D / 4u; // output dimensions per invocation
const BQ = 16u;    // queries per workgroup
const BK = 16u;    // keys per tile
const NEG = -3.0e38;

var<workgroup> qs: array<vec4f, BQ * D4>; // pre-scaled queries [BQ][D]
var<workgroup> ks: array<vec4f, BK * D4>; // [BK][D]
var<workgroup> vs: array<f32, BK * D>;    // [BK][D]
#if SUBGROUPS
#else
var<workgroup> sc: array<f32, BQ * BK>;   // scores [BQ][BK], NEG where masked
#endif

// visible returns how many keys query i sees.
fn visible(i: u32) -> u32 {
    if (p.causal == 0u) { return p.lkv; }
    return u32(clamp(i32(i) + i32(p.lkv) - i32(p.lq) + 1, 0, i32(p.lkv)));
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
#if SUBGROUPS
        @builtin(subgroup_invocation_id) lane: u32,
#endif
        @builtin(local_invocation_index) t: u32) {
    let g = wg.x + wg.y * nwg.x;
    if (g >= p.groups) { return; } // uniform per workgroup
    let qb = g % p.qblocks;
    let h = (g / p.qblocks) % p.h;
    let b = g / (p.qblocks * p.h);
    let kvh = h / (p.h / p.kvh);
    let qstride = p.h * D;  // between query rows
    let kvs = p.kvh * D;    // between key rows
    let kvoff = b * p.lkv * kvs + kvh * D;
    let ql = t / 4u;        // this invocation's query in the block
    let part = t % 4u;      // which quarter of the dimensions (and keys) it takes
    let i = qb * BQ + ql;
    let lim = visible(i);
    let lim_block = visible(min(qb * BQ + BQ - 1u, p.lq - 1u));

    for (var x = t; x < BQ * D; x += 64u) {
        let r = x / D;
        let e = x % D;
        let qi = qb * BQ + r;
        var val = 0.0;
        if (qi < p.lq) { val = q[(b * p.lq + qi) * qstride + h * D + e] * p.scale; }
        qs[r * D4 + e / 4u][e % 4u] = val;
    }

    var m = NEG;
    var l = 0.0;
    var acc: array<f32, DT>;
    for (var j0 = 0u; j0 < lim_block; j0 += BK) {
        for (var x = t; x < BK * D; x += 64u) {
            let r = x / D;
            let e = x % D;
            var kv = 0.0;
            var vv = 0.0;
            if (j0 + r < p.lkv) {
                let off = kvoff + (j0 + r) * kvs + e;
                kv = k[off];
                vv = v[off];
            }
            ks[r * D4 + e / 4u][e % 4u] = kv;
            vs[r * D + e] = vv;
        }
        workgroupBarrier();
        // This invocation scores keys part, part+4, part+8, part+12.
        var mine = vec4f(NEG);
        for (var u = 0u; u < BK / 4u; u++) {
            let kj = part + 4u * u;
            if (j0 + kj < lim) {
                var dotp = 0.0;
                for (var e = 0u; e < D4; e++) { dotp += dot(qs[ql * D4 + e], ks[kj * D4 + e]); }
                mine[u] = dotp;
            }
        }
        // score[kj] is key kj's score for this invocation's query.
        var score: array<f32, BK>;
#if SUBGROUPS
        let first = lane - part; // the lane of the query's part 0
        for (var u = 0u; u < BK / 4u; u++) {
            for (var src = 0u; src < 4u; src++) {
                score[src + 4u * u] = subgroupShuffle(mine[u], first + src);
            }
        }
#else
        for (var u = 0u; u < BK / 4u; u++) { sc[ql * BK + part + 4u * u] = mine[u]; }
        workgroupBarrier();
        for (var kj = 0u; kj < BK; kj++) { score[kj] = sc[ql * BK + kj]; }
#endif
        var cm = m;
        for (var kj = 0u; kj < BK; kj++) { cm = max(cm, score[kj]); }
        if (cm > NEG) {
            let corr = exp(m - cm);
            l *= corr;
            for (var e = 0u; e < DT; e++) { acc[e] *= corr; }
            for (var kj = 0u; kj < BK; kj++) {
                let s = score[kj];
                if (s > NEG) {
                    let w = exp(s - cm);
                    l += w;
                    for (var e = 0u; e < DT; e++) { acc[e] += w * vs[kj * D + part * DT + e]; }
                }
            }
            m = cm;
        }
        workgroupBarrier();
    }
    if (i < p.lq) {
        let o = (b * p.lq + i) * qstride + h * D + part * DT;
        for (var e = 0u; e < DT; e++) {
            var y = 0.0;
            if (l > 0.0) { y = acc[e] / l; }
            out[o + e] = y;
        }
    }
}
