// softmax over the last dimension: one workgroup (WG invocations:
// reduce.wgsli) per row of length c.
// Rows are numbered across a 2-D grid of workgroups.

struct Params { rows: u32, c: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

#include reduce

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let row = wg.x + wg.y * nwg.x;
    if (row >= p.rows) { return; }
    let base = row * p.c;
    var m = -3.0e38;
    for (var j = t; j < p.c; j += WG) { m = max(m, x[base + j]); }
    m = reduce_max(t, m);
    var s = 0.0;
    for (var j = t; j < p.c; j += WG) { s += exp(x[base + j] - m); }
    s = reduce_sum(t, s);
    for (var j = t; j < p.c; j += WG) { out[base + j] = exp(x[base + j] - m) / s; }
}
