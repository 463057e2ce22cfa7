#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Everything before a QEMU run: packages and tools, the test kernel (cached),
# and ima_ns.ko built against it.
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/install-deps.sh"
kdir=$(bash "$IMA_NS_TOP/qemu/build-kernel.sh")
make -s -C "$IMA_NS_TOP" KDIR="$kdir" modules
