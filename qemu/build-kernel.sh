#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the test kernel (bzImage + the tree out-of-tree modules build
# against) into $IMA_NS_CACHE/kernel/<key>, where <key> hashes the source
# version, the config fragments and the compilers. Prints the build directory.
# IMA_NS_KERNEL=upstream builds the comparison kernel (see env.sh).
# A rerun with nothing changed returns at once.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$(kernel_src_dir)
build=$(kernel_build_dir)

if [ -f "$build/.ima-ns-built" ]; then
	echo "$build"
	exit 0
fi

# One build of a key at a time: a second caller (another worktree, a
# parallel test runner) waits for the first and then uses its result.
mkdir -p "$(dirname "$build")"
exec 9>"$build.lock"
flock 9
while pgrep -f "O=$build" >/dev/null; do sleep 10; done
if [ -f "$build/.ima-ns-built" ]; then
	echo "$build"
	exit 0
fi

bash "$IMA_NS_TOP/qemu/fetch-linux-source.sh"

mkdir -p "$build"
kmake() { make -C "$src" O="$build" "${KMAKE_VARS[@]}" "$@"; }

echo "build-kernel: configuring $build" >&2
kmake -s tinyconfig >&2
mapfile -t fragments < <(kernel_config_fragments)
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"${fragments[@]}" >/dev/null
kmake -s olddefconfig >&2

# merge_config.sh drops options whose dependencies are missing without
# failing; a silently missing option would make the tests lie.
lost=0
# The last fragment wins where two set the same option.
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" "$build/.config" || { echo "lost: $line" >&2; lost=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" "$build/.config" && { echo "lost: $line" >&2; lost=1; } ;;
	esac
done < <(cat "${fragments[@]}" | awk '/^(CONFIG_|# CONFIG_)/ {
	opt = $0; sub(/^# /, "", opt); sub(/[= ].*/, "", opt)
	if (!(opt in last)) order[n++] = opt
	last[opt] = $0
} END { for (i = 0; i < n; i++) print last[order[i]] }')
[ "$lost" = 0 ] || { echo "build-kernel: config fragment not applied" >&2; exit 1; }

echo "build-kernel: building (this takes 10-20 minutes on 2 cores)" >&2
kmake -j"$(nproc)" >&2
touch "$build/.ima-ns-built"
echo "$build"
