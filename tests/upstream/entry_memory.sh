#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel memory per measurement entry on any IMA: N versions of one tmpfs
# file measured (FILE_CHECK), Slab + VmallocUsed before and after. Boot
# without a TPM (qemu/run.sh -n) so extends do not dominate the time.
#
#   entry_memory.sh IMA_DIR N      prints "entries <n> bytes_per_entry <b>"
IMA=$1 N=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
printf 'measure func=FILE_CHECK mask=^MAY_READ fsmagic=0x01021994\n' >"$IMA"/policy || exit 1
mkdir -p /tmp/mem
mem() { awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo; }
sync; echo 3 >/proc/sys/vm/drop_caches
c0=$(cat "$IMA"/runtime_measurements_count) m0=$(mem)
python3 "$top"/tests/large_list.py /tmp/mem/f "$N" >/dev/null || exit 1
sync; echo 3 >/proc/sys/vm/drop_caches
c1=$(cat "$IMA"/runtime_measurements_count) m1=$(mem)
echo "entries $((c1 - c0)) bytes_per_entry $(((m1 - m0) * 1024 / (c1 - c0)))"
