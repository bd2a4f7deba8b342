// softmax over the last dimension: one workgroup per row of length c.
// Rows are numbered across a 2-D grid of workgroups.

struct Params { rows: u32, c: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> red: array<f32, 256>;

// reduce_sum and reduce_max combine one value per invocation across the
// workgroup; every invocation gets the result. Call in uniform control flow.
fn reduce_sum(t: u32, v: f32) -> f32 {
    red[t] = v;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s >> 1u) {
        if (t < s) { red[t] = red[t] + red[t + s]; }
        workgroupBarrier();
    }
    let r = red[0];
    workgroupBarrier();
    return r;
}

fn reduce_max(t: u32, v: f32) -> f32 {
    red[t] = v;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s >> 1u) {
        if (t < s) { red[t] = max(red[t], red[t + s]); }
        workgroupBarrier();
    }
    let r = red[0];
    workgroupBarrier();
    return r;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
    let row = wg.x + wg.y * nwg.x;
    if (row >= p.rows) { return; }
    let base = row * p.c;
    var m = -3.0e38;
    for (var j = t; j < p.c; j += 256u) { m = max(m, x[base + j]); }
    m = reduce_max(t, m);
    var s = 0.0;
    for (var j = t; j < p.c; j += 256u) { s += exp(x[base + j] - m); }
    s = reduce_sum(t, s);
    for (var j = t; j < p.c; j += 256u) { out[base + j] = exp(x[base + j] - m) / s; }
}
