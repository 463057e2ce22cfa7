#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: set up, boot QEMU with swtpm, load ima_ns.ko, write a
# policy, run something, and show the measurement list and PCR 10.
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/setup.sh"
cargo build --release --quiet --manifest-path "$IMA_NS_TOP/Cargo.toml" -p ima-ns-tool
exec bash "$IMA_NS_TOP/qemu/run.sh" -- bash qemu/demo-guest.sh
