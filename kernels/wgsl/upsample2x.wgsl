// upsample2x: out [N, C, 2H, 2W] repeats every pixel of x [N, C, H, W] into
// a 2x2 block. Thread i handles output element i.

struct Params { n: u32, h: u32, w: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= p.n) { return; }
    let ow = 2u * p.w;
    let ox = i % ow;
    let oy = (i / ow) % (2u * p.h);
    let plane = i / (ow * 2u * p.h);
    out[i] = x[(plane * p.h + oy / 2u) * p.w + ox / 2u];
}
