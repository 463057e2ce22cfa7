#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The soaks, longer and larger than `make test` runs them: the
# load-and-faults test (tests/ima_ns_load.sh: host + namespaces under
# load with racing policy writes, replay against PCR 10 and each vPCR,
# kmemleak, unload/reload and a dying swtpm under load) for SECONDS, and
# the namespace stress test (tests/ima_ns_stress.sh) with 100 namespaces
# instead of 30:
#
#   qemu/stress.sh [SECONDS]     (make stress STRESS_SECONDS=...; default 600)
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/setup.sh"
cargo build --release --quiet --manifest-path "$IMA_NS_TOP/Cargo.toml" -p ima-ns-tool
secs=${1:-600}
bash "$IMA_NS_TOP/qemu/run.sh" -t 1800 \
	-- env IMA_NS_STRESS_NAMESPACES=100 bash tests/ima_ns_stress.sh
exec bash "$IMA_NS_TOP/qemu/run.sh" -t $((secs * 3 + 900)) -a kmemleak=on \
	-- env IMA_NS_LOAD_SECONDS="$secs" bash tests/ima_ns_load.sh
