#!/usr/bin/env bash
# install-deps.sh installs what `make test` needs besides Go and Node:
#   - Debian's chromium, for the browser tests and for its SwiftShader Vulkan
#     driver, which gives Dawn (the `webgpu` npm package) a CPU WebGPU device,
#     and the Vulkan loader (libvulkan1) that Dawn needs to find it;
#   - the npm packages pinned in package-lock.json (playwright-core, webgpu).
# It does nothing, quietly, when both are already in place. It runs as root
# (a fresh Debian 12 container) or through sudo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in go node npm; do
	if ! command -v "$tool" >/dev/null; then
		echo "install-deps: $tool is not installed; genplay needs Go 1.26 and Node 20" >&2
		exit 1
	fi
done

apt_packages=()
if [[ ! -x /usr/bin/chromium || ! -f /usr/lib/chromium/vk_swiftshader_icd.json ]]; then
	apt_packages+=(chromium)
fi
# Dawn opens the Vulkan loader by name; chromium does not depend on it.
# (No `ldconfig | grep -q` here: with pipefail, grep's early exit fails it.)
if [[ $(/sbin/ldconfig -p 2>/dev/null) != *libvulkan.so.1* ]]; then
	apt_packages+=(libvulkan1)
fi
if [[ ${#apt_packages[@]} -gt 0 ]]; then
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		sudo=(sudo)
	fi
	echo "install-deps: apt-get install ${apt_packages[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

# npm ci replaces node_modules wholesale, so run it only when the lockfile
# changed since the last install (or there was none).
if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
	echo "install-deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules
fi
