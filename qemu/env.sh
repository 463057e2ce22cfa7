# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared settings for the qemu/ scripts; sourced, not run.
# Everything built or downloaded lives under $IMA_NS_CACHE, outside the repo.

IMA_NS_CACHE=${IMA_NS_CACHE:-$HOME/.cache/ima-ns}
IMA_NS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# IMA_NS_KERNEL selects the kernel flavor:
#   test      Linux 6.12 (Debian linux-source-6.12) with KASAN, lockdep and
#             DEBUG_ATOMIC_SLEEP, CONFIG_IMA off: the whole suite runs here;
#   upstream  the same plus upstream IMA (qemu/kernel-upstream-ima.config),
#             the 6.12 comparison kernel;
#   distro    Linux 7.3 (Debian trixie-backports linux-source-7.3, fetched
#             by qemu/fetch-linux-source.sh) configured like a distribution
#             kernel: IMA and EVM built in, no debug options
#             (qemu/kernel-distro.config).
IMA_NS_KERNEL=${IMA_NS_KERNEL:-test}
case $IMA_NS_KERNEL in
test | upstream) KERNEL_SERIES=6.12 BINDGEN_VERSION=0.69.5 ;;
distro) KERNEL_SERIES=7.3 BINDGEN_VERSION=0.71.1 ;;
*) echo "env.sh: unknown IMA_NS_KERNEL=$IMA_NS_KERNEL" >&2; exit 2 ;;
esac
# The 7.3 source package, pinned so that the cache key is known without
# asking the archive; bump it when trixie-backports moves on.
LINUX_SOURCE_73_VERSION=7.3.4-1~bpo13+1

# Each kernel series wants its own bindgen (7.3 needs >= 0.71.1).
BINDGEN_DIR=$IMA_NS_CACHE/tools/bindgen-$BINDGEN_VERSION

# The kernel's Rust must be built by Debian's rustc (it ships the library
# source the kernel needs); rustup's rustc comes first in PATH, so name it.
# shellcheck disable=SC2034 # used by build-kernel.sh, which sources this file
KMAKE_VARS=(LLVM=-19 RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc
	RUSTDOC=/usr/bin/rustdoc BINDGEN="$BINDGEN_DIR/bin/bindgen")
export LIBCLANG_PATH=/usr/lib/llvm-19/lib

kernel_src_version() {
	case $KERNEL_SERIES in
	6.12) dpkg-query -W -f='${Version}' linux-source-6.12 ;;
	7.3) echo "$LINUX_SOURCE_73_VERSION" ;;
	esac
}

# The config fragments of the selected kernel, in merge order.
kernel_config_fragments() {
	echo "$IMA_NS_TOP/qemu/kernel.config"
	case $IMA_NS_KERNEL in
	upstream) echo "$IMA_NS_TOP/qemu/kernel-upstream-ima.config" ;;
	distro) echo "$IMA_NS_TOP/qemu/kernel-distro.config" ;;
	esac
}

# The build directory is keyed by everything that changes the kernel image:
# the Debian source version, the config fragments and the compilers.
kernel_build_key() {
	{
		kernel_src_version
		# shellcheck disable=SC2046 # repository paths without spaces; the cache key code stays as it was
		cat $(kernel_config_fragments)
		/usr/bin/rustc --version
		clang-19 --version | head -n 1
	} | sha256sum | cut -c1-16
}

kernel_src_dir() {
	local v
	v=$(kernel_src_version)
	echo "$IMA_NS_CACHE/src/linux-${v//[~:]/_}"
}

kernel_build_dir() {
	echo "$IMA_NS_CACHE/kernel/$(kernel_build_key)"
}
