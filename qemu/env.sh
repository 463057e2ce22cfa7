# Shared settings for the qemu/ scripts; sourced, not run.
# Everything built or downloaded lives under $IMA_NS_CACHE, outside the repo.

IMA_NS_CACHE=${IMA_NS_CACHE:-$HOME/.cache/ima-ns}
IMA_NS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The kernel's Rust must be built by Debian's rustc (it ships the library
# source the kernel needs); rustup's rustc comes first in PATH, so name it.
KMAKE_VARS=(LLVM=-19 RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc
	RUSTDOC=/usr/bin/rustdoc BINDGEN="$IMA_NS_CACHE/tools/bin/bindgen")
export LIBCLANG_PATH=/usr/lib/llvm-19/lib

kernel_src_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12
}

# IMA_NS_KERNEL=upstream selects the comparison kernel: the same config
# plus upstream IMA (qemu/kernel-upstream-ima.config), for side-by-side
# benchmarks and for checking entries against what upstream writes.
IMA_NS_KERNEL=${IMA_NS_KERNEL:-test}

# The config fragments of the selected kernel, in merge order.
kernel_config_fragments() {
	echo "$IMA_NS_TOP/qemu/kernel.config"
	if [ "$IMA_NS_KERNEL" = upstream ]; then
		echo "$IMA_NS_TOP/qemu/kernel-upstream-ima.config"
	fi
}

# The build directory is keyed by everything that changes the kernel image:
# the Debian source version, the config fragments and the compilers.
kernel_build_key() {
	{
		kernel_src_version
		# shellcheck disable=SC2046
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
