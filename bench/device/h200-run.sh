#!/usr/bin/env bash
# h200-run.sh is issue #5's whole H200 run as one command: it runs on the
# device machine from the repository root, where there is no Go, no npm and
# no internet, with what bench/device/prepare.sh put in .gpu/ and bin/:
#
#	bash bench/device/h200-run.sh                         # on the H200 (the run tool)
#	SWIFTSHADER=1 SMOKE=1 bash bench/device/h200-run.sh   # here: tiny shapes on SwiftShader
#	bash bench/device/smoke.sh                            # the same, from a copy without node_modules
#	CASES="attention;conv2d" E2E=0 bash bench/device/h200-run.sh   # a rerun of a part
#
# In order of value, each step under its own timeout and all of them under
# one budget (BUDGET seconds, default 420: the device session is 15 minutes
# including the machine's start), going on after a failure:
#
#  1. env and probe: nvidia-smi, what was built, the adapter, where tfjs
#     loads from, queue latency and copy bandwidth (probe.mjs);
#  2. cmd/gpubench -size large -tfjs, one process per case filter: f32
#     matmul 4096^3 (checked on 16 sampled rows), the copy kernel and
#     copyBufferToBuffer over 256 MiB together with the 4096x4096 Q8_0/Q4_0
#     matrix-vector products (decode), whose GB/s gpubench sets against the
#     copy kernel's of the same process, f32 matmul 1024, conv2d and
#     attention at the models' shapes and larger;
#  3. f32 matmul 4096^3 on other tile shapes, pipelined or not (one
#     gpubench -tiles process, ours only), to pick the kernel's shape for
#     the H200 from measurements; the models' small matmuls and conv2d
#     on four tile shapes, to check chooseTiles's guess for small grids;
#     the Q8_0/Q4_0 4096x4096 matrix-vector products on five other
#     LANESxROWS shapes (gpubench -matvec);
#     then the same products by the kernel of commit $BASE
#     (bin/gpubench-base.wasm.gz, when prepare.sh built it): before and
#     after on one device;
#  4. cmd/e2ebench -profile -compare (runs without and with the fused
#     ops, alternated): fashion (ms per UNet step), fortunes (prefill and
#     decode tokens/s), each with its time waiting for the device, and
#     first how long the model's kernels take to compile (precompile:);
#  5. what is left: f32 matmul 2048, the rest of the models' matmuls, the
#     Q8_0 512x4096x4096 prefill, gocode.
#
# Logs go to $OUT (the run tool's; out/h200 otherwise): env.txt, probe.txt,
# gpubench.txt, gpubench-base.txt, e2e.txt and summary.txt, which is also
# printed at the end.
set -uo pipefail # no -e: a failed step is reported and the next one runs

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="${OUT:-$root/out/h200}"
mkdir -p "$out"
budget="${BUDGET:-420}"
t0=$SECONDS

for f in .gpu/h200.sh .gpu/tfjs bin/gpubench.wasm bin/e2ebench.wasm; do
	if [[ ! -e "$f" ]]; then
		echo "h200-run.sh: $f is missing: run bash bench/device/prepare.sh here and carry .gpu and bin/*.wasm" >&2
		exit 2
	fi
done

# tfjs from the carried bundles (bench/tfjs.mjs resolves it from the
# repository first, then NODE_PATH); Go's wasm_exec.js from where h200.sh
# unpacks it; the wasm memory published as in a browser.
export NODE_PATH="$root/.gpu/tfjs/node_modules"
export GO_WASM_EXEC=/tmp/gpu-runtime/wasm_exec.js
export NODE_OPTIONS="--import=file://$root/scripts/wasm-memory.mjs"
# Dawn rounds GPU timestamps down to multiples of 65.536 us by default
# (measured on SwiftShader with this Dawn), which reads a 7 us kernel as 0;
# .gpu's preload passes DAWN_FLAGS to Dawn, so gpubench's "GPU ms" and
# e2ebench's profiles get full precision.
export DAWN_FLAGS="${DAWN_FLAGS:-disable-dawn-features=timestamp_quantization}"
gpu=(bash .gpu/h200.sh)

if [[ "${SMOKE:-}" = 1 ]]; then
	size=small samples=2 probe_mib=4
	unet=(-samples 1) text=(-samples 1 -prompt-tokens 8 -decode-tokens 4)
	first=("matmul f32 128x" "copy|Q8_0 1x1024x256" "conv2d 3x3/1 64->64" "attention b1 l64")
	tiled="matmul f32 128x" tiles=(8x4x4x8 8x4x4x8p)
	small="conv2d 3x3/1 64->64" smalltiles=(8x8x8x16 8x4x4x8)
	decode="_0 1x1024x256" matvecs=(32x8 8x4)
	based="matmul f32 128x|conv2d 3x3/1 64->64|_0 1x1024x256"
	later=()
else
	size=large samples="${SAMPLES:-15}" probe_mib=256
	unet=(-samples 10) text=(-samples 5)
	# gpubench checks big matmuls on 16 sampled rows (a full reference of
	# 4096^3 would take 8 minutes in wasm), so the headline case goes first.
	# A -run filter takes alternatives (a|b): the copies and the
	# matrix-vector products share a process, so the percentages of the
	# copy kernel come from one run.
	first=("matmul f32 4096x" "copy|_0 1x4096x4096" "matmul f32 1024x" "conv2d" "attention")
	# The backend's own choice at 4096^3 is 16x8x8 with TK 16 (128x128
	# tiles); these are its neighbours, and the pipelined variants (p:
	# two stages, the next slice loaded during this one's arithmetic).
	tiled="matmul f32 4096x"
	tiles=(16x8x8x8 16x8x8x32 16x8x8x8p 16x8x8x16p 16x4x8x16 16x8x4x16 16x4x4x16 16x4x4x16p 8x8x8x16)
	# The models' small products on other tiles: the backend gives them
	# 32x32 tiles (8x4x4) on a GPU, so as to have workgroups for every
	# compute unit (chooseTiles's fillWorkgroups, a guess); 64x64 was the
	# choice before.
	small="conv2d 3x3|matmul f32 64x1024x256|2x(64x64x64)" smalltiles=(16x4x4x16 8x4x4x8 8x4x4x32 16x8x8x16)
	# The decode products on other matrix-vector shapes (LANESxROWS; the
	# backend's is 32x8): fewer lanes a row give each more blocks in
	# flight, more rows a workgroup fewer workgroups.
	decode="_0 1x4096x4096" matvecs=(32x4 32x16 16x16 64x4 8x32)
	based="matmul f32 4096x|matmul f32 1024x|conv2d 3x3|matmul f32 64x1024x256|_0 1x4096x4096|attention"
	later=("matmul f32 2048x" "x1024x256" "2x(" "Q8_0 512x4096")
fi
# CASES="f1;f2" runs only those gpubench filters (a rerun of a part);
# E2E=0 leaves out e2ebench.
if [[ -n "${CASES:-}" ]]; then
	IFS=';' read -ra first <<<"$CASES"
	later=()
fi

steps=()
# step NAME FILE TIMEOUT CMD...: runs CMD for at most TIMEOUT seconds, or
# what is left of the budget, appending its output to $out/FILE.
step() {
	local name="$1" file="$2" limit="$3"
	shift 3
	local left=$((budget - (SECONDS - t0)))
	if ((left < 20)); then
		steps+=("$(printf '%-36s skipped (budget of %ss spent)' "$name" "$budget")")
		echo "${steps[-1]}"
		return
	fi
	((limit > left)) && limit=$left
	printf '\n== %s (timeout %ss): %s\n' "$name" "$limit" "$*" >>"$out/$file"
	local s=$SECONDS rc=0
	timeout -k 10 "$limit" "$@" >>"$out/$file" 2>&1 || rc=$?
	local how=ok
	if ((rc == 124 || rc == 137)); then
		how="TIMED OUT"
	elif ((rc != 0)); then
		how="exit $rc"
	fi
	steps+=("$(printf '%-36s %-10s %4ds' "$name" "$how" $((SECONDS - s)))")
	echo "${steps[-1]}"
}

gpubench() {
	step "gpubench $1" gpubench.txt "$2" "${gpu[@]}" node bench/tfjs.mjs bin/gpubench.wasm \
		-tfjs -size "$size" -samples "$samples" -run "$1"
}

environment() {
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host: $(uname -srm), $(nproc) CPUs"
	echo "DAWN_FLAGS: $DAWN_FLAGS"
	if command -v nvidia-smi >/dev/null; then
		nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv
		nvidia-smi
	fi
	echo
	cat .gpu/prepared.txt 2>/dev/null || echo "(no .gpu/prepared.txt)"
}

: >"$out/env.txt"
: >"$out/probe.txt"
: >"$out/gpubench.txt"
: >"$out/gpubench-base.txt"
: >"$out/e2e.txt"
echo "h200-run.sh: size $size, samples $samples, budget ${budget}s, logs in $out"
environment >>"$out/env.txt" 2>&1
step "probe" probe.txt 60 "${gpu[@]}" node bench/device/probe.mjs "$probe_mib"
for c in "${first[@]}"; do gpubench "$c" 60; done
if [[ -z "${CASES:-}" ]]; then
	step "gpubench tiles (${#tiles[@]} shapes)" gpubench.txt 150 "${gpu[@]}" wasm bin/gpubench.wasm \
		-size "$size" -samples 5 -run "$tiled" -tiles "$(IFS=,; echo "${tiles[*]}")"
	step "gpubench small on tiles (${#smalltiles[@]})" gpubench.txt 90 "${gpu[@]}" wasm bin/gpubench.wasm \
		-size "$size" -samples 5 -run "$small" -tiles "$(IFS=,; echo "${smalltiles[*]}")"
	step "gpubench matvec (${#matvecs[@]} shapes)" gpubench.txt 45 "${gpu[@]}" wasm bin/gpubench.wasm \
		-size "$size" -samples 5 -run "$decode" -matvec "$(IFS=,; echo "${matvecs[*]}")"
	if [[ -f bin/gpubench-base.wasm.gz ]] && gunzip -c bin/gpubench-base.wasm.gz >/tmp/gpubench-base.wasm; then
		step "gpubench base $(sed -n 's/^base .*: //p' .gpu/prepared.txt 2>/dev/null)" gpubench-base.txt 90 \
			"${gpu[@]}" wasm /tmp/gpubench-base.wasm -size "$size" -samples "$samples" -run "$based"
	fi
fi
if [[ "${E2E:-1}" != 0 ]]; then
	step "e2ebench fashion -compare" e2e.txt 90 "${gpu[@]}" wasm bin/e2ebench.wasm -model fashion -compare "${unet[@]}" -profile
	step "e2ebench fortunes -compare" e2e.txt 90 "${gpu[@]}" wasm bin/e2ebench.wasm -model fortunes -compare "${text[@]}" -profile
fi
for c in "${later[@]}"; do gpubench "$c" 120; done
[[ "${SMOKE:-}" = 1 || "${E2E:-1}" = 0 ]] || step "e2ebench gocode" e2e.txt 60 "${gpu[@]}" wasm bin/e2ebench.wasm -model gocode "${text[@]}"

# summary.txt: the step table, the probe's facts, every gpubench row with
# the issue's targets worked out, the end-to-end lines and the per-kernel
# profiles (all of it well under the 12,000 characters the run tool returns).
summarize() {
	echo "== summary: bench/device/h200-run.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $((SECONDS - t0))s of ${budget}s"
	printf '%s\n' "${steps[@]}"
	echo
	grep -E '^(adapter|features|limits|tfjs|submit|bandwidth)' "$out/probe.txt"
	grep -m2 -E '^(adapter|tfjs): ' "$out/gpubench.txt" | sed 's/^/gpubench /'
	echo
	grep -E '^(timing|GPU ms|check):' "$out/gpubench.txt" | awk -F: '!seen[$1]++' # one of each
	grep -m1 '^| case' "$out/gpubench.txt"
	grep -E '^\| (copy|matmul|conv2d|attention)' "$out/gpubench.txt"
	echo
	# The targets worked out from gpubench's columns: | case | check | ours
	# ms | GFLOP/s | GB/s | GPU ms | tfjs ms | GFLOP/s | ours/tfjs | ... |
	# note. The Q8_0 rows' note already sets their GB/s against the copy
	# kernel of the same process; probe.mjs's batched copy kernel (its own
	# process) is the cross-check.
	grep -m1 'batched: copy kernel' "$out/probe.txt" | sed 's/^/probe /'
	grep -E '^\| (copy|matmul|conv2d|attention)' "$out/gpubench.txt" | awk -F'|' '
		function trim(s) { gsub(/^ +| +$/, "", s); return s }
		{
			name = trim($2); ms = trim($4) + 0; gf = trim($5) + 0; gbs = trim($6); gpu = trim($7) + 0; tgf = trim($9) + 0; ratio = trim($10)
			note = trim($NF)
			if (name ~ /^copy/)
				printf "%s: %s GB/s%s\n", name, gbs, (gpu > 0 ? sprintf(" (GPU time %.4f ms)", gpu) : "")
			if (name ~ /^matmul f32 [0-9]+x[0-9]+x[0-9]+$/ && gf > 0) {
				split(substr(name, 12), d, "x")
				printf "%s: ours %.1f TFLOP/s", name, gf / 1000
				if (gpu > 0) printf " (by GPU time %.1f)", 2 * d[1] * d[2] * d[3] / gpu / 1e9
				printf ", tfjs %.1f TFLOP/s, ours/tfjs %s (target at 4096^3: 40 TFLOP/s, 2.6x tfjs)\n", tgf / 1000, ratio
			}
			if (name ~ / @/)
				printf "%s: %s ms, %.2f TFLOP/s (-tiles WGxTMxTNxTK; by GPU time: %s ms)\n", name, trim($4), gf / 1000, trim($7)
			if (name ~ /^matmul Q[48]_0 1x4096x4096$/)
				printf "%s: %s GB/s: %s (target for Q8_0: 60%%)\n", name, gbs, note
			if (name ~ /^(conv2d|attention)/ && ratio != "-")
				printf "%s: ours/tfjs %s (target 2)\n", name, ratio
		}'
	# The same matmuls by the kernel of commit $BASE: before and after.
	grep -E '^\| (copy|matmul|conv2d|attention)' "$out/gpubench-base.txt" | awk -F'|' '
		function trim(s) { gsub(/^ +| +$/, "", s); return s }
		{ printf "base %s: %s ms, %.2f TFLOP/s, %s GB/s (check %s; GPU ms %s)\n", trim($2), trim($4), trim($5) / 1000, trim($6), trim($3), trim($7) }'
	echo
	grep -E '^(model:|backend:|precompile:|unfused|fused|prefill|decode)' "$out/e2e.txt"
	awk '/^per kernel/ { print ""; p = 1 } p && /^$/ { p = 0 } p' "$out/e2e.txt"
	grep -E 'FAIL|panic|error' "$out/gpubench.txt" "$out/gpubench-base.txt" "$out/e2e.txt" "$out/probe.txt" | head -20
}
summarize >"$out/summary.txt" 2>&1
echo
cat "$out/summary.txt"
