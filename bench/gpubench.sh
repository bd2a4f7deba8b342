#!/usr/bin/env bash
# gpubench.sh builds cmd/gpubench for GOOS=js and runs it in Node with Dawn's
# WebGPU (SwiftShader unless VK_ICD_FILENAMES points elsewhere), together
# with tfjs-backend-webgpu on the same GPUDevice (bench/tfjs.mjs), so that
# every case reports ours, tfjs's and the ratio from one run:
#
#	bench/gpubench.sh -size small              # what BENCHMARKS.md records
#	bench/gpubench.sh -size small -run conv2d  # a subset ("a|b": either)
#
# Arguments go to gpubench (-size, -samples, -run, -reps, -sample-ms,
# -gpu-time, -full-check, -table; `-h` lists them). Its output header says
# how each case was checked and timed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
icd="${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}"
if [[ ! -f "$icd" ]]; then
	echo "gpubench.sh: Vulkan ICD $icd not found (apt-get install -y chromium gives SwiftShader)" >&2
	exit 2
fi
if [[ ! -d node_modules/@tensorflow/tfjs-backend-webgpu || ! -d node_modules/webgpu ]]; then
	echo "gpubench.sh: node_modules lacks webgpu or @tensorflow/tfjs-backend-webgpu; run 'npm ci'" >&2
	exit 2
fi
mkdir -p bin
GOOS=js GOARCH=wasm go build -o bin/gpubench.wasm ./cmd/gpubench
export VK_ICD_FILENAMES="$icd"
exec node --import ./scripts/dawn-preload.mjs --import ./bench/tfjs.mjs \
	"$(go env GOROOT)/lib/wasm/wasm_exec_node.js" bin/gpubench.wasm -tfjs "$@"
