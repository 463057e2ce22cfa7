#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: ima-ns against upstream IMA on the distribution-like kernel
# (IMA_NS_KERNEL=distro: 7.3, IMA and EVM built in), one boot, three
# configurations (see bench-distro-guest.sh). -icount with a fixed shift:
# guest time counts instructions, not host load; one vCPU; no TPM (both
# engines would extend the same banks once per new entry; the swtpm's
# latency is not either engine's).
#   qemu/bench-distro.sh [RAW]   RAW: an earlier run's output, only tabulated
# BENCH_* variables (bench-distro-guest.sh's sizes) are passed to the guest.
# Writes the raw output to build/bench-distro.raw and the tables to
# build/bench-distro.txt.
set -euo pipefail
export IMA_NS_KERNEL=distro
. "$(dirname "$0")/env.sh"
out=$IMA_NS_TOP/build/bench-distro
mkdir -p "$(dirname "$out")"
if [ $# = 0 ]; then
	bash "$IMA_NS_TOP/qemu/setup.sh"
	cargo build --release --quiet --manifest-path "$IMA_NS_TOP/Cargo.toml" -p ima-ns-tool
	make -C "$IMA_NS_TOP" modules >/dev/null
	mapfile -t sizes < <(env | grep '^BENCH_' || true)
	bash "$IMA_NS_TOP/qemu/run.sh" -n -t 7200 -q "-icount shift=3,sleep=off -smp 1" \
		-- env "${sizes[@]}" bash qemu/bench-distro-guest.sh >"$out.raw"
	raw=$out.raw
else
	raw=$1
fi
python3 "$IMA_NS_TOP/qemu/bench_table.py" "$raw" | tee "$out.txt"
