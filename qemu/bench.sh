#!/usr/bin/env bash
# Overhead benchmark, in one QEMU boot (see bench-guest.sh). Not a test:
# it reports ratios measured in the same run, with the absolute times.
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/setup.sh"
exec bash "$IMA_NS_TOP/qemu/run.sh" -t 1800 -- bash qemu/bench-guest.sh "$@"
