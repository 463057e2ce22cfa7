#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs every Debian package and cargo tool the project needs.
# Idempotent: a rerun on a set-up machine takes a few seconds.
set -euo pipefail
. "$(dirname "$0")/env.sh"

packages=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
	pahole linux-source-6.12
	clang-19 lld-19 llvm-19 libclang-19-dev
	rustc-web rust-web-src libstd-rust-web-dev rust-web-clippy
	# guest and test tools
	qemu-system-x86 swtpm swtpm-tools busybox-static
	ima-evm-utils tpm2-tools keyutils openssl e2fsprogs attr fsverity
	python3 util-linux xxd rsync
	python3-gpg python3-venv
	# containers (tests/ima_ns_oci.sh)
	crun runc
	# make lint
	shellcheck
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"
fi

# keylime for the attestation test.
bash "$(dirname "$0")/keylime-venv.sh"

# Debian's bindgen (0.60) is too old: 6.12 builds with 0.69.5, 7.3 needs
# at least 0.71.1. Each goes into its own directory (env.sh BINDGEN_DIR).
for v in 0.69.5 0.71.1; do
	dir=$IMA_NS_CACHE/tools/bindgen-$v
	if ! "$dir/bin/bindgen" --version 2>/dev/null | grep -q "$v"; then
		echo "install-deps: building bindgen-cli $v"
		cargo install bindgen-cli --version "$v" --locked --root "$dir"
	fi
done
