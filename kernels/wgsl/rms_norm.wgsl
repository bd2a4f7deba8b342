// rms_norm over the last dimension: one workgroup (WG invocations:
// reduce.wgsli) per row of length c;
// out = x / sqrt(mean(x^2) + eps) * gamma (gamma ignored when has_gamma is 0).

struct Params { rows: u32, c: u32, eps: f32, has_gamma: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

#include reduce

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let row = wg.x + wg.y * nwg.x;
    if (row >= p.rows) { return; }
    let base = row * p.c;
    var s = 0.0;
    for (var j = t; j < p.c; j += WG) { let v = x[base + j]; s += v * v; }
    let inv = inverseSqrt(reduce_sum(t, s) / f32(p.c) + p.eps);
    for (var j = t; j < p.c; j += WG) {
        var y = x[base + j] * inv;
        if (p.has_gamma != 0u) { y = y * gamma[j]; }
        out[base + j] = y;
    }
}
