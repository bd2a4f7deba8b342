// add_channels: x [rows, inner] (rows = N·C, inner = H·W), out[i] =
// x[i] + p[i / inner]: a per-(image, channel) value added to a feature map
// without materializing its broadcast.

struct Params { n: u32, inner: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> pc: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.n) { return; }
    out[i] = x[i] + pc[i / p.inner];
}
