#!/usr/bin/env bash
# prepare.sh readies, on this machine, one run of bench/device/h200-run.sh on
# the H200 device machine (issue #5), which has no Go, no npm and no
# internet:
#
#	bash bench/device/prepare.sh
#
# 1. ../shared/device/pack.sh packs Node, Dawn (npm webgpu) and the Vulkan
#    loader into .gpu/ (git-ignored);
# 2. builds bin/gpubench.wasm and bin/e2ebench.wasm (GOOS=js);
# 3. copies into .gpu/tfjs/node_modules only what bench/tfjs.mjs loads of
#    tfjs (each package's package.json and its Node bundle, about 2 MB: the
#    whole of node_modules/@tensorflow is 70 MB, over the 64 MiB a run may
#    carry); h200-run.sh points NODE_PATH there;
# 4. builds gpubench at commit $BASE too (default a5e15b1, the tiled
#    matmul before its interleaved blocks, 2-D staging arrays and -tiles
#    lists; BASE=none skips it), gzipped, so that the run times the f32
#    matmul before and after on the same device;
# 5. records what was built (.gpu/prepared.txt), checks that the tree plus
#    the carried paths stay under 60 MiB, and prints the `run` call to make.
set -euo pipefail
root="$(git rev-parse --show-toplevel)"
cd "$root"
limit=$((60 << 20))
carry=(.gpu bin/gpubench.wasm bin/e2ebench.wasm)
base="${BASE:-a5e15b1}"

pack="$root/../shared/device/pack.sh"
[[ -f "$pack" ]] || { echo "prepare.sh: $pack not found" >&2; exit 2; }
bash "$pack"

mkdir -p bin
GOOS=js GOARCH=wasm go build -o bin/gpubench.wasm ./cmd/gpubench
GOOS=js GOARCH=wasm go build -o bin/e2ebench.wasm ./cmd/e2ebench

# tfjs: package.json and the file its "main" names (the *.node.js bundle,
# which has seedrandom and the rest inlined; `require.cache` after loading
# both packages holds these two bundles and nothing else).
rm -rf .gpu/tfjs
for pkg in @tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu; do
	src="node_modules/$pkg"
	[[ -f "$src/package.json" ]] || { echo "prepare.sh: $src missing; run 'npm ci'" >&2; exit 2; }
	main="$(node -p "require('./$src/package.json').main")"
	mkdir -p ".gpu/tfjs/$src/$(dirname "$main")"
	cp "$src/package.json" ".gpu/tfjs/$src/"
	cp "$src/$main" ".gpu/tfjs/$src/$main"
done

rm -f bin/gpubench-base.wasm.gz
if [[ "$base" != none ]]; then
	wt="$(mktemp -d)"
	git worktree add -f --detach "$wt" "$base" >/dev/null
	(cd "$wt" && GOOS=js GOARCH=wasm go build -o "$root/bin/gpubench-base.wasm" ./cmd/gpubench)
	git worktree remove --force "$wt"
	gzip -9 -f bin/gpubench-base.wasm
	carry+=(bin/gpubench-base.wasm.gz)
fi

{
	echo "prepared: $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n)"
	echo "commit: $(git rev-parse HEAD)"
	echo "uncommitted changes:"
	git status --short | sed 's/^/  /'
	echo "go: $(go version)"
	echo "node: $(node --version)"
	echo "base (bin/gpubench-base.wasm.gz): $base"
	(cd bin && sha256sum gpubench.wasm e2ebench.wasm gpubench-base.wasm.gz 2>/dev/null) || true
} >.gpu/prepared.txt

# What the run tool copies: tracked and untracked-not-ignored files, plus
# the carried paths.
tree="$(git ls-files -z -co --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')"
carried="$(du -cb "${carry[@]}" | tail -1 | cut -f1)"
total=$((tree + carried))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "transfer: tree $(mib "$tree") + carried $(mib "$carried") (${carry[*]}) = $(mib "$total")"
if ((total > limit)); then
	echo "prepare.sh: over $(mib "$limit"); the run tool refuses more than 64 MiB" >&2
	du -sh "${carry[@]}" .gpu/* >&2
	exit 1
fi

cat <<EOF

Ready. Make this one call of the run tool (the script stops itself after
about 7 minutes; see BENCHMARKS.md, "H200"):

  command:   bash bench/device/h200-run.sh
  carry:     [$(printf '"%s", ' "${carry[@]}" | sed 's/, $//')]
  timeout_s: 540

Its output ends with the summary; the logs come back under files_at
(env.txt, probe.txt, gpubench.txt, gpubench-base.txt, e2e.txt,
summary.txt).
EOF
