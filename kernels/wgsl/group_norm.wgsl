// group_norm: x [N, C, S] (S = product of trailing dims). One workgroup
// (WG invocations: reduce.wgsli) per (n, group): the group's cpg =
// C/groups channels are contiguous, cpg*S values. Two passes (mean, then variance) for accuracy; gamma and beta are
// per channel and ignored when has_gamma / has_beta are 0. act 1 applies
// SiLU to the result (GroupNormSiLU: one dispatch instead of two).

struct Params { groups_total: u32, cpg: u32, s: u32, eps: f32, has_gamma: u32, has_beta: u32, groups: u32, act: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

#include reduce

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let gi = wg.x + wg.y * nwg.x; // n * groups + g
    if (gi >= p.groups_total) { return; }
    let len = p.cpg * p.s;
    let base = gi * len;
    let c0 = (gi % p.groups) * p.cpg;
    var sum = 0.0;
    for (var j = t; j < len; j += WG) { sum += x[base + j]; }
    let mean = reduce_sum(t, sum) / f32(len);
    var v = 0.0;
    for (var j = t; j < len; j += WG) { let d = x[base + j] - mean; v += d * d; }
    let inv = inverseSqrt(reduce_sum(t, v) / f32(len) + p.eps);
    // Channel by channel: gamma and beta are read once a channel, and no
    // value's channel is divided out of its index.
    for (var cc = 0u; cc < p.cpg; cc++) {
        var scale = inv;
        var shift = 0.0;
        if (p.has_gamma != 0u) { scale *= gamma[c0 + cc]; }
        if (p.has_beta != 0u) { shift = beta[c0 + cc]; }
        let cbase = base + cc * p.s;
        for (var j = t; j < p.s; j += WG) {
            var y = (x[cbase + j] - mean) * scale + shift;
            if (p.act == 1u) { y = y / (1.0 + exp(-y)); } // as silu.wgsl
            out[cbase + j] = y;
        }
    }
}
