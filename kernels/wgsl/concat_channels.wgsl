// concat_channels: out [N, C1+C2, S] joins a [N, C1, S] and b [N, C2, S]
// along channels (S is the product of the trailing dimensions).

struct Params { n: u32, a_len: u32, b_len: u32 }  // a_len = C1*S, b_len = C2*S

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.n) { return; }
    let row = p.a_len + p.b_len;
    let n = i / row;
    let r = i % row;
    if (r < p.a_len) {
        out[i] = a[n * p.a_len + r];
    } else {
        out[i] = b[n * p.b_len + r - p.a_len];
    }
}
