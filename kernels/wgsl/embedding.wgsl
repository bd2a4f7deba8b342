// embedding: out[r, d] = table[ids[r], d] for an f32 table [V, D]. The host
// has checked every id is in [0, V).

struct Params { total: u32, d: u32 }

@group(0) @binding(0) var<storage, read> table: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.total) { return; }
    out[i] = table[ids[i / p.d] * p.d + i % p.d];
}
