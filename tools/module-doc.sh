#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rustdoc for the module crate (`make doc`). Kbuild has no rustdoc target
# for out-of-tree modules, so this replays Kbuild's own rustc command line
# for ima_ns.o (from its .cmd file) through rustdoc, with broken intra-doc
# links as errors. Needs a built tree: `make modules` first.
#   tools/module-doc.sh FLAVOR OUTDIR
set -euo pipefail
flavor=$1 out=$(realpath -m "$2")
cmdf=build/$flavor/tree/ima_ns/.ima_ns.o.cmd
line=$(sed -n '1s/^savedcmd_[^=]*:= //p' "$cmdf")
kdir=$(IMA_NS_KERNEL=$flavor bash qemu/build-kernel.sh)
# The line is Kbuild's shell quoting of our own build: evaluate it as the
# shell would (quoted -Zcrate-attr values).
words=()
eval "words=($line)"
args=() skip=0
for w in "${words[@]}"; do
	if [ $skip = 1 ]; then skip=0; continue; fi
	case $w in
	# Codegen-only flags rustdoc refuses or does not need.
	*/rustc | */clippy-driver | -Zbinary_dep_depinfo=y | -Dwarnings | --emit=* | -Zfunction-sections=* | \
		-Zcf-protection=* | -Ztune-cpu=*) ;;
	--out-dir) skip=1 ;;
	# RUST_MODFILE=, OBJTREE=: the environment module! and Kbuild read.
	[A-Z_]*=*) export "${w?}" ;;
	*) args+=("$w") ;;
	esac
done
# 6.12 runs rustc in the kernel tree, 7.x in the module tree.
dir=$kdir
case ${args[-1]} in /*) ;; *) dir=build/$flavor/tree ;; esac
cd "$dir"
RUSTC_BOOTSTRAP=1 /usr/bin/rustdoc "${args[@]}" -o "$out" \
	--document-private-items -Dwarnings -Drustdoc::broken_intra_doc_links
echo "module-doc: $out/ima_ns/index.html"
