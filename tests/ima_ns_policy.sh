#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The policy file: canonical read-back, atomic updates over one or more
# writes (a bad rule changes nothing), permissions, one writer at a time,
# the built-in policies and the write_policy/read_policy parameters;
# large policies (100 000 rules, appends past a few thousand, a bad rule
# deep in a big write).
# seconds: 268
. "$(dirname "$0")/lib.sh"
tap_plan 30
T=$(mktemp -d)

ima_load || bail "cannot load ima_ns.ko"
tap_check "with no ima_policy= the policy is empty" test -z "$(cat "$IMA"/policy)"

ima_policy_write "# comments and blank lines are skipped

dont_measure fowner=1234
measure func=PATH_CHECK mask=^MAY_READ fsmagic=0xEF53 euid<1000"
tap_check "a valid policy is accepted" test $? = 0
printf 'dont_measure fowner=1234 \nmeasure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53 euid<1000 \n' >"$T"/want
tap_check "policy reads back in upstream's canonical form" same_file "$T"/want "$IMA"/policy

printf 'measure func=BPRM_CHECK\nmeasure bogus_token=1\n' 2>"$T"/err >"$IMA"/policy
rc=$?
tap_check "a bad rule fails the write" test $rc != 0
tap_check "... with EINVAL" grep -q "Invalid argument" "$T"/err
tap_check "... and the kernel log names the bad token" sh -c "dmesg | grep -q 'rejected at \"bogus_token=1\"'"
tap_check "the policy in force is unchanged" same_file "$T"/want "$IMA"/policy

# The old policy still applies.
echo a >"$SCRATCH"/a && cat "$SCRATCH"/a >/dev/null
echo b >"$SCRATCH"/b && chown 1234 "$SCRATCH"/b && cat "$SCRATCH"/b >/dev/null
tap_check "the old policy still measures" test "$(ima_count "$SCRATCH"/a "$(sha256_of "$SCRATCH"/a)")" = 1
tap_check "the old policy's dont_measure still applies" test -z "$(ima_digests_of "$SCRATCH"/b)"

setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c "echo measure >$IMA/policy" 2>"$T"/err
tap_check "a non-root user cannot write the policy" grep -q "Permission denied" "$T"/err

exec 3>"$IMA"/policy
echo measure 2>"$T"/err >"$IMA"/policy
exec 3>&-
tap_check "a second concurrent writer gets EBUSY" grep -q "Device or resource busy" "$T"/err

ima_policy_write "measure func=MMAP_CHECK mask=MAY_EXEC"
tap_check "a later update appends to the custom policy" test "$(wc -l <"$IMA"/policy)" = 3

ima_unload || bail "cannot unload"
ima_load ima_policy=tcb || bail "cannot load with ima_policy=tcb"
cat >"$T"/tcb <<'EOT'
dont_measure fsmagic=0x9fa0 
dont_measure fsmagic=0x62656572 
dont_measure fsmagic=0x64626720 
dont_measure fsmagic=0x1021994 
dont_measure fsmagic=0x1cd1 
dont_measure fsmagic=0x42494e4d 
dont_measure fsmagic=0x73636673 
dont_measure fsmagic=0xf97cff8c 
dont_measure fsmagic=0x43415d53 
dont_measure fsmagic=0x27e0eb 
dont_measure fsmagic=0x63677270 
dont_measure fsmagic=0x6e736673 
dont_measure fsmagic=0xde5e81e4 
measure func=MMAP_CHECK mask=MAY_EXEC 
measure func=BPRM_CHECK mask=MAY_EXEC 
measure func=FILE_CHECK mask=^MAY_READ euid=0 
measure func=FILE_CHECK mask=^MAY_READ uid=0 
measure func=MODULE_CHECK 
measure func=FIRMWARE_CHECK 
measure func=POLICY_CHECK 
EOT
tap_check "ima_policy=tcb installs upstream's tcb rules" same_file "$T"/tcb "$IMA"/policy
ima_unload

insmod "$KO" ima_hash=md5 2>"$T"/md5.err
rc=$?
tap_check "ima_hash=md5 is refused at load (EINVAL, not a leftover module)" \
	bash -c "test $rc != 0 && grep -q 'Invalid parameters' $T/md5.err"
grep -q '^ima_ns ' /proc/modules && ima_unload

# --- one update over several write(2) calls
ima_load || bail "cannot load ima_ns.ko"
cat >"$T"/writes.py <<'EOP'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
try:
    for rule in sys.argv[2:]:
        os.write(fd, rule.encode() + b"\n")
except OSError as e:
    print(e.strerror)
os.close(fd)
EOP
python3 "$T"/writes.py "$IMA"/policy "measure func=BPRM_CHECK fowner=11" "measure func=MMAP_CHECK fowner=12"
tap_check "rules over two write() calls are one update" test "$(wc -l <"$IMA"/policy)" = 2
out=$(python3 "$T"/writes.py "$IMA"/policy "measure fowner=13" "bogus=1" "measure fowner=14")
tap_check "a bad rule in the second of three writes: EINVAL, nothing applied" \
	bash -c "test '$out' = 'Invalid argument' && test \$(wc -l <$IMA/policy) = 2"
setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin cat "$IMA"/policy >/dev/null 2>"$T"/err
tap_check "reading the policy needs CAP_SYS_ADMIN (EPERM for root without it)" \
	grep -q "Operation not permitted" "$T"/err
ima_unload

# --- built-in policies combine with '|', in upstream's order
ima_load "ima_policy=tcb|critical_data" || bail "cannot load with ima_policy=tcb|critical_data"
{ cat "$T"/tcb; echo "measure func=CRITICAL_DATA "; } >"$T"/tcb-cd
tap_check "ima_policy=tcb|critical_data installs both" same_file "$T"/tcb-cd "$IMA"/policy
ima_unload
insmod "$KO" ima_policy=tcb\|bogus 2>"$T"/err
rc=$?
tap_check "an unknown built-in policy is refused at load (EINVAL)" \
	bash -c "test $rc != 0 && grep -q 'Invalid parameters' $T/err && dmesg | grep -q 'bogus\" is not a built-in policy'"
grep -q '^ima_ns ' /proc/modules && ima_unload

# --- write_policy=0: one update, then the policy is locked
ima_load write_policy=0 || bail "cannot load with write_policy=0"
ima_policy_write "measure func=BPRM_CHECK"
ima_policy_write "measure func=MMAP_CHECK" 2>"$T"/err
tap_check "write_policy=0: a second update gets EBUSY" grep -q "Device or resource busy" "$T"/err
tap_check "... and the first update is in force" test "$(cat "$IMA"/policy)" = "measure func=BPRM_CHECK "
ima_unload

# --- read_policy=0: the policy cannot be read back
ima_load read_policy=0 || bail "cannot load with read_policy=0"
cat "$IMA"/policy 2>"$T"/err
tap_check "read_policy=0: reading the policy gets EACCES" grep -q "Permission denied" "$T"/err
ima_unload

# --- large policies: rules are stored compactly in chunks, an update is
# built while it is written, and installing it allocates nothing.
# filler N FROM: N rules that match no event of the test (FIRMWARE_CHECK),
# in the canonical form they read back in.
filler() {
	seq "$2" $(($2 + $1 - 1)) | awk '{ printf "dont_measure func=FIRMWARE_CHECK fsmagic=0x%x \n", $1 }'
}
# bigwrite.py FILE: one open, write() calls of up to 64 KiB that end at
# a newline (as upstream, a write's last line is a whole rule), looping
# on short writes; prints "ok" or the first error.
cat >"$T"/bigwrite.py <<'EOP'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
data = open(sys.argv[2], "rb").read()
status, off = "ok", 0
try:
    while off < len(data):
        end = data.rfind(b"\n", off, off + 65536) + 1
        off += os.write(fd, data[off:end if end > off else len(data)])
except OSError as e:
    status = e.strerror
os.close(fd)
print(status)
EOP
# opens FILE N: reads FILE N times in one process (N FILE_CHECK events).
opens() { python3 -c 'import sys
for _ in range(int(sys.argv[2])): open(sys.argv[1], "rb").read()' "$1" "$2"; }
ima_load || bail "cannot load ima_ns.ko"
log_mark
filler 1001 1 >"$T"/p1001
filler 1000 5001 >"$T"/p1000
cat "$T"/p1001 >"$IMA"/policy
cat "$T"/p1000 >"$IMA"/policy
rc=$?
cat "$T"/p1001 "$T"/p1000 >"$T"/p2001
tap_check "1 000 rules append to a 1 001-rule policy and read back in order" \
	bash -c "test $rc = 0 && cat $IMA/policy | cmp -s $T/p2001 -"
no_alarm() { ! log_since | grep -qE 'WARNING|page allocation failure|update failed'; }
tap_check "... with no WARNING or allocation failure in the kernel log" no_alarm
{ filler 10000 20001; echo "measure bogus=1"; filler 10000 30001; } >"$T"/bad
log_mark
out=$(python3 "$T"/bigwrite.py "$IMA"/policy "$T"/bad)
rejected_bogus() { test "$out" = "Invalid argument" && log_has 'rejected at "bogus=1"'; }
tap_check "a bad rule after 10 000 good ones in one update: EINVAL from write()" rejected_bogus
tap_check "... and the policy in force is unchanged" same_file "$T"/p2001 "$IMA"/policy
# The cost of an event: FILE_CHECK events walk their own and the
# any-file index lists only, here one rule among 2 002.
mkdir -p "$SCRATCH"
echo plain >"$SCRATCH"/plain
echo "measure func=FILE_CHECK fowner=4321 " >"$IMA"/policy
t0=$(date +%s%N)
opens "$SCRATCH"/plain 1000
t1=$(date +%s%N)
ima_unload

ima_load || bail "cannot load ima_ns.ko"
{ filler 100000 1; echo "measure func=FILE_CHECK fowner=4321 "; } >"$T"/big
t2=$(date +%s%N)
out=$(python3 "$T"/bigwrite.py "$IMA"/policy "$T"/big)
t3=$(date +%s%N)
cat "$IMA"/policy >"$T"/big.read
t4=$(date +%s%N)
diag "100 001 rules: write $(((t3 - t2) / 1000000)) ms, read back $(((t4 - t3) / 1000000)) ms ($(stat -c %s "$T"/big) bytes)"
diag "$(dmesg | grep 'policy update completed' | tail -1 | sed 's/^\[[^]]*\] //')"
tap_check "a 100 001-rule policy is accepted in one open" test "$out" = ok
tap_check "... reads back 100 001 rules" test "$(wc -l <"$T"/big.read)" = 100001
tap_check "... byte for byte" cmp -s "$T"/big "$T"/big.read
t5=$(date +%s%N)
opens "$SCRATCH"/plain 1000
t6=$(date +%s%N)
diag "1000 opens (FILE_CHECK events, one candidate rule) in one process: $(((t1 - t0) / 1000000)) ms with 2 002 rules, $(((t6 - t5) / 1000000)) ms with 100 001"
echo again >"$SCRATCH"/owned2 && chown 4321 "$SCRATCH"/owned2 && cat "$SCRATCH"/owned2 >/dev/null
tap_check "... and its last rule, after the 100 000, still measures" \
	test "$(ima_count "$SCRATCH"/owned2 "$(sha256_of "$SCRATCH"/owned2)")" = 1
ima_unload
tap_finish
