#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerates tests/upstream/entries-6.12.txt: boots the comparison kernel
# (upstream IMA; built on first use, ~30 min) and runs scenario.sh there
# with the same template settings ima_ns_upstream.sh gives the module.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
fmt=$(PRINT_FMT=1 bash "$top/tests/upstream/scenario.sh" -)
IMA_NS_KERNEL=upstream bash "$top/qemu/run.sh" -t 900 -a "ima_template_fmt=$fmt ima_hash=sha256" \
	-- bash "$top/tests/upstream/scenario.sh" /sys/kernel/security/ima >"$top/tests/upstream/entries-6.12.txt"
wc -l "$top/tests/upstream/entries-6.12.txt"
