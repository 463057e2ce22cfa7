#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Overhead benchmark, in one QEMU boot (see bench-guest.sh). Not a test:
# it reports ratios measured in the same run, with the absolute times.
#
# -icount with a fixed shift: the guest clock advances by 2^shift ns per
# guest instruction, so guest-measured times count instructions and do
# not depend on host load (wall time under TCG varied by +-20% between
# identical rounds). One vCPU: icount runs TCG single-threaded.
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/setup.sh"
cargo build --release --quiet --manifest-path "$IMA_NS_TOP/Cargo.toml" -p ima-ns-tool
exec bash "$IMA_NS_TOP/qemu/run.sh" -t 3000 -q "-icount shift=3,sleep=off -smp 1" \
	-- bash qemu/bench-guest.sh "$@"
