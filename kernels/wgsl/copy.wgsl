// copy: out[i] = src[i] over n vec4 words. Not a model op: it is the
// benchmarks' yardstick of the device's memory bandwidth (cmd/gpubench),
// against which a bandwidth-bound kernel such as the Q8_0 matrix-vector
// product is judged.
//
// Grid-stride: the host dispatches a bounded grid (a few thousand
// workgroups) and each invocation walks the buffer in steps of the whole
// grid, the form in which a copy reaches the hardware's bandwidth (16-byte
// loads and stores, neighbouring invocations on neighbouring words). The
// 2-D grid is folded as in every 1-D kernel here.

struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> src: array<vec4u>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4u>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
    let stride = nwg.x * nwg.y * 256u;
    for (var i = gid.x + gid.y * nwg.x * 256u; i < p.n; i += stride) {
        out[i] = src[i];
    }
}
