#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the workspace's no_std crates for the kernel and hands them to Kbuild.
#
# One source of truth for each side: Cargo.toml says which crates and
# versions; the kernel says how Rust is compiled. We ask Kbuild to compile a
# one-line probe module, take its rustc flags from the .cmd file, and let
# cargo build the crates (and sha1/sha2 and their deps) with exactly those
# flags. Kbuild then gets:
#   OUT/externs              --extern/-L flags for the module crate
#   rustdeps/rustdeps.o      all the crates' code, one relocatable object, which
#                            Kbuild links as a prebuilt object (7.x has no _shipped)
set -euo pipefail
KDIR=$(cd "$1" && pwd)
OUT=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT/probe"

# 1. The kernel's rustc flags for a module object.
printf 'obj-m := probe.o\n' >"$OUT/probe/Kbuild"
printf '//! Flag probe.\n' >"$OUT/probe/probe.rs"
make -s -C "$KDIR" M="$OUT/probe" LLVM=-19 RUSTC=/usr/bin/rustc \
	HOSTRUSTC=/usr/bin/rustc probe.o
cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$OUT/probe/.probe.o.cmd")
cmd=${cmd%% ; *}
read -r -a words <<<"$cmd"
flags=()
prev=
for w in "${words[@]}"; do
	# The library path of the kernel's core/kernel crates: `./rust/` in
	# 6.12 (relative to KDIR), `-L <absolute path>` in 7.3.
	if [ "$prev" = -L ]; then
		case "$w" in
		/*) flags+=(-L "$w") ;;
		./*) flags+=(-L "$KDIR/${w#./}") ;;
		esac
		prev=
		continue
	fi
	prev=$w
	case "$w" in
	-C*|-Z*|--sysroot=*)
		case "$w" in
		-Zbinary_dep_depinfo*|-Zallow-features=*|-Zcrate-attr=*) ;;
		*) flags+=("$w") ;;
		esac ;;
	@./*) flags+=("@$KDIR/${w#@./}") ;;
	esac
done

# 2. cargo, with those flags, for the kernel's target. The target dir is
# keyed by the flags: one kernel's rlibs must never meet another's in deps/.
enc=$(printf '%s\x1f' "${flags[@]}")
key=$(printf '%s' "$enc" | sha256sum | cut -c1-12)
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_ENCODED_RUSTFLAGS=${enc%$'\x1f'} \
	cargo build -Zjson-target-spec --quiet --release --manifest-path "$top/Cargo.toml" \
	--target "$KDIR/scripts/target.json" --target-dir "$OUT/cargo-$key" \
	-p ima-policy -p ima-template -p ima-tpm -p ima-model -p ima-appraise -p ima-plan -p ima-iint -p ima-evm -p ima-coexist -p ima-audit -p ima-params
rel=$OUT/cargo-$key/target/release

# 3. Their objects as one relocatable object, and the module's --extern flags.
rm -rf "$OUT/objs" && mkdir -p "$OUT/objs"
for rlib in "$rel"/deps/*.rlib; do
	d=$OUT/objs/$(basename "$rlib" .rlib)
	mkdir -p "$d" && (cd "$d" && llvm-ar-19 x "$rlib")
done
mapfile -t objs < <(find "$OUT/objs" -name '*.o' | sort)
ld.lld-19 -r -o "$OUT/rustdeps.o" "${objs[@]}"
cmp -s "$OUT/rustdeps.o" "$top/rustdeps/rustdeps.o" ||
	cp "$OUT/rustdeps.o" "$top/rustdeps/rustdeps.o"
{
	for c in ima_policy ima_template ima_tpm ima_model ima_appraise ima_plan ima_iint ima_evm ima_coexist ima_audit ima_params; do printf -- '--extern %s=%s ' "$c" "$rel/lib$c.rlib"; done
	printf -- '-L dependency=%s\n' "$rel/deps"
} >"$OUT/externs"
