#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fails if a function in a built ima_ns.ko reserves more than LIMIT bytes
# of stack (default 4096). A distribution kernel's stack is 16 KiB; the
# 6.12 test kernel's KASAN doubles it, which once hid a 15 KiB policy
# write path (two 2 KiB rules copied through return values) that
# overflowed the 7.3 kernel's stack. Run on the distro flavor's module.
#
#   tests/check_frames.sh KO [LIMIT]
set -euo pipefail
ko=$1 limit=${2:-4096}
# Not called by the module: host-side API over parse_line_into().
allow='ima_policy5parse13parse_line_as$'
frames=$(llvm-objdump-19 -d --no-show-raw-insn "$ko" | perl -ne '
	if (/^[0-9a-f]+ <(.*)>:$/) { $f = $1 }
	if (/subq\s+\$0x([0-9a-f]+),\s*%rsp/) { printf "%d %s\n", hex($1), $f }' |
	grep -v -E "$allow" | sort -rn)
max=${frames%%$'\n'*}
big=$(awk -v l="$limit" '$1 > l' <<<"$frames")
echo "check_frames: largest frame ${max%% *} bytes (${max#* }); limit $limit"
if [ -n "$big" ]; then
	echo "check_frames: frames over $limit bytes:" >&2
	echo "$big" >&2
	exit 1
fi
