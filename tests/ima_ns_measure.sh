#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: test distro
# exec, mmap(PROT_EXEC) and open measure files once, with the right digest,
# and again after they change.
# seconds: 67
# seconds-distro: 41
. "$(dirname "$0")/lib.sh"
tap_plan 12

ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=BPRM_CHECK mask=MAY_EXEC
measure func=MMAP_CHECK mask=MAY_EXEC
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || bail "policy write failed"

first=$(head -n 1 "$IMA"/ascii_runtime_measurements)
tap_check "first entry is an ima-ng boot_aggregate in PCR $IMA_PCR" \
	test "$(echo "$first" | awk '{ print $1, $3, $5 }')" = "$IMA_PCR ima-ng boot_aggregate"

libc=$(ldd /bin/true | awk '/libc.so/ { print $3 }')
mkdir -p "$SCRATCH"/bin "$SCRATCH"/lib
cp /bin/true "$SCRATCH"/bin/true
cp "$libc" "$SCRATCH"/lib/libc.so.6

# exec: the binary is measured with the digest sha256sum computes.
"$SCRATCH"/bin/true
want=$(sha256_of /bin/true)
tap_check "exec records the binary's sha256" test "$(ima_count "$SCRATCH"/bin/true "$want")" = 1
"$SCRATCH"/bin/true
tap_check "a second exec does not measure it again" test "$(ima_digests_of "$SCRATCH"/bin/true | wc -l)" = 1

# mmap(PROT_EXEC): the dynamic loader maps our libc copy executable.
LD_LIBRARY_PATH=$SCRATCH/lib "$SCRATCH"/bin/true
tap_check "mmap(PROT_EXEC) records the library's sha256" \
	test "$(ima_count "$SCRATCH"/lib/libc.so.6 "$(sha256_of "$libc")")" = 1

# open for read on ext4 matches the FILE_CHECK rule.
echo "hello ima-ns" >"$SCRATCH"/data.txt
cat "$SCRATCH"/data.txt >/dev/null
d1=$(sha256_of "$SCRATCH"/data.txt)
tap_check "open for read records the file's sha256" test "$(ima_count "$SCRATCH"/data.txt "$d1")" = 1
cat "$SCRATCH"/data.txt >/dev/null
tap_check "a second open does not measure it again" test "$(ima_digests_of "$SCRATCH"/data.txt | wc -l)" = 1

# Changing the file and closing it makes the next open measure again.
echo "changed" >>"$SCRATCH"/data.txt
cat "$SCRATCH"/data.txt >/dev/null
d2=$(sha256_of "$SCRATCH"/data.txt)
tap_check "after a change the new content is measured" test "$(ima_count "$SCRATCH"/data.txt "$d2")" = 1
tap_check "the old entry stays" test "$(ima_count "$SCRATCH"/data.txt "$d1")" = 1

# Opens that no rule matches add nothing: tmpfs is not ext4, and a
# write-only open is not MAY_READ.
echo tmp >/tmp/not-measured.txt
cat /tmp/not-measured.txt >/dev/null
tap_check "files no rule matches are not measured" test -z "$(ima_digests_of /tmp/not-measured.txt)"
echo w >"$SCRATCH"/write-only.txt
tap_check "a write-only open is not a MAY_READ match" test -z "$(ima_digests_of "$SCRATCH"/write-only.txt)"

# Builtins only: an exec in between would add an entry.
mapfile -t lines <"$IMA"/ascii_runtime_measurements
read -r count <"$IMA"/runtime_measurements_count
tap_check "runtime_measurements_count equals the ascii list's lines (${#lines[@]})" \
	test "$count" = "${#lines[@]}"
tap_check "violations reads 0" test "$(cat "$IMA"/violations)" = 0

ima_unload || diag "unload failed"
tap_finish
