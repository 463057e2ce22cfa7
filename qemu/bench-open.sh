#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench-open`: what one cached open costs each engine, measured in
# one boot of the distribution-like kernel under -icount (guest time
# counts instructions: 8 ns each), without the shell around `make bench`'s
# open row. Prints the medians, the ratios to no policy, and the
# instructions each engine adds per open (qemu/bench-open-guest.sh).
set -euo pipefail
export IMA_NS_KERNEL=distro
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/setup.sh"
make -C "$IMA_NS_TOP" modules qemu/openloop >/dev/null
mapfile -t sizes < <(env | grep '^BENCH_' || true)
raw=$(bash "$IMA_NS_TOP/qemu/run.sh" -n -t 1800 -q "-icount shift=3,sleep=off -smp 1" \
	-- env "${sizes[@]}" bash qemu/bench-open-guest.sh)
printf '%s\n' "$raw" | grep '^#' || true
printf '%s\n' "$raw" | python3 "$IMA_NS_TOP/qemu/bench_open_table.py" "${BENCH_OPENS:-20000}" |
	tee "$IMA_NS_TOP/build/bench-open.txt"
