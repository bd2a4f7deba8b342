// transpose: out [batch, b, a] from x [batch, a, b]. Thread i writes output
// element i, so writes are coalesced; the reads stride by b.

struct Params { n: u32, a: u32, b: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.n) { return; }
    let ii = i % p.a;          // column of the output = row of x
    let j = (i / p.a) % p.b;   // row of the output = column of x
    let plane = i / (p.a * p.b);
    out[i] = x[(plane * p.a + ii) * p.b + j];
}
