// rows: out [batch, n, c] holds rows [start, start+n) of x [batch, l, c].
// Thread i writes output element i.

struct Params { total: u32, l: u32, c: u32, start: u32, n: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.total) { return; }
    let j = i % p.c;
    let r = (i / p.c) % p.n;
    let batch = i / (p.c * p.n);
    out[i] = x[(batch * p.l + p.start + r) * p.c + j];
}
