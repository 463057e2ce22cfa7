#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu-args: -n
# A 25 000-entry list (IMA_NS_LARGE_ENTRIES): appends stay O(1) (duplicate lookup included), the
# ascii and binary lists read back whole while files keep being measured,
# a reader never stalls measurement, and memory per entry is reported.
# Without a TPM (the size, not TPM latency, is under test).
# seconds: 301
. "$(dirname "$0")/lib.sh"
tap_plan 8
N=${IMA_NS_LARGE_ENTRIES:-25000}

ima_load || bail "cannot load ima_ns.ko"
# tmpfs only: nothing else the test runs adds entries.
ima_policy_write "measure func=FILE_CHECK mask=^MAY_READ fsmagic=0x01021994" || bail "policy"
mkdir -p /tmp/large
mem() { awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo; }
sync; echo 3 >/proc/sys/vm/drop_caches
before=$(mem)
halves=$(python3 "$IMA_NS_TOP"/tests/large_list.py /tmp/large/f "$N") || bail "workload"
after=$(mem)
count=$(cat "$IMA"/runtime_measurements_count)
diag "$N versions measured in $halves s (first half, second half)"
diag "kernel memory (Slab + VmallocUsed) per entry: $(((after - before) * 1024 / N)) bytes"
tap_check "every version is one entry ($N + boot_aggregate)" test "$count" = $((N + 1))
read -r h1 h2 <<<"$halves"
tap_check "appending stays O(1): the second half took less than twice the first" \
	python3 -c "import sys; sys.exit(0 if $h2 < 2 * $h1 else 1)"
tap_check "memory per entry is bounded (< 2 KiB)" test $(((after - before) * 1024 / N)) -lt 2048

# Same contents again: the (template digest, PCR) pair is listed, so no entry.
printf 'version 7\n' >/tmp/large/f && cat /tmp/large/f >/dev/null
tap_check "a version already listed is not added again" test "$(cat "$IMA"/runtime_measurements_count)" = "$count"

# Read both lists while another 2000 versions are measured.
python3 "$IMA_NS_TOP"/tests/large_list.py /tmp/large/g 2000 "$N" >/dev/null &
writer=$!
# Read once the writer is measuring (python's start-up can take seconds
# on a loaded machine; a fixed sleep let the read run before it).
start=$(cat "$IMA"/runtime_measurements_count)
for _ in $(seq 300); do
	[ "$(cat "$IMA"/runtime_measurements_count)" -gt "$start" ] && break
	sleep 0.1
done
c0=$(cat "$IMA"/runtime_measurements_count)
cat "$IMA"/ascii_runtime_measurements >/tmp/ascii.1
cat "$IMA"/binary_runtime_measurements >/tmp/bin.1
c1=$(cat "$IMA"/runtime_measurements_count)
wait $writer
diag "entries added while the lists were read: $((c1 - c0))"
tap_check "measurement went on while the lists were read" test $((c1 - c0)) -gt 0
cat "$IMA"/ascii_runtime_measurements >/tmp/ascii.2
lines=$(wc -l </tmp/ascii.1)
tap_check "the ascii list read under load is whole ($lines lines) and a prefix of the final one" \
	bash -c "[ $lines -ge $((N + 1)) ] && head -n $lines /tmp/ascii.2 | cmp -s - /tmp/ascii.1"
tap_check "the binary list read under load parses entry by entry, every template digest recomputing" \
	list_ok /tmp/bin.1
tap_check "every version of the file is listed exactly once" \
	test "$(awk '$5 == "/tmp/large/f"' /tmp/ascii.2 | wc -l) $(awk '$5 == "/tmp/large/f" { print $4 }' /tmp/ascii.2 | sort -u | wc -l)" = "$N $N"
tap_finish
