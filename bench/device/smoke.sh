#!/usr/bin/env bash
# smoke.sh checks bench/device/h200-run.sh end to end on this machine the
# way the device machine will see it: from a copy of what the run tool sends
# (tracked and untracked-not-ignored files, plus .gpu and bin/*.wasm as
# carried), so with no node_modules, tfjs coming from .gpu/tfjs; with
# SWIFTSHADER=1 and SMOKE=1 (small shapes, few samples). Run
# bench/device/prepare.sh first.
#
#	bash bench/device/smoke.sh          # the copy and its logs: /tmp/genplay-h200-smoke
set -euo pipefail
root="$(git rev-parse --show-toplevel)"
cd "$root"
dst=/tmp/genplay-h200-smoke
rm -rf "$dst"
mkdir -p "$dst/bin"
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
	if [[ -e "$f" ]]; then printf '%s\0' "$f"; fi # a deleted tracked file does not travel
done | tar --null -T - -cf - | tar -C "$dst" -xf -
cp -a .gpu "$dst/"
cp bin/gpubench.wasm bin/e2ebench.wasm "$dst/bin/"
[[ ! -f bin/gpubench-base.wasm.gz ]] || cp bin/gpubench-base.wasm.gz "$dst/bin/"
[[ ! -e "$dst/node_modules" ]] || { echo "smoke.sh: node_modules travelled" >&2; exit 1; }
cd "$dst"
SWIFTSHADER=1 SMOKE=1 OUT="$dst/out" bash bench/device/h200-run.sh
# tfjs must have come from the carried bundles.
grep -q "tfjs-core: $dst/.gpu/tfjs/" out/probe.txt || { echo "smoke.sh: tfjs did not load from .gpu/tfjs" >&2; exit 1; }
if grep -qE 'skipped|TIMED OUT|exit [0-9]' out/summary.txt; then
	echo "smoke.sh: a step failed; see $dst/out" >&2
	exit 1
fi
echo "smoke.sh: ok ($dst/out)"
