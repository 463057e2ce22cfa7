#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The policy file: canonical read-back, atomic updates (a bad rule changes
# nothing), permissions, one writer at a time, the built-in tcb policy.
. "$(dirname "$0")/lib.sh"
tap_plan 14
T=$(mktemp -d)

ima_load || bail "cannot load ima_ns.ko"
tap_check "with no ima_policy= the policy is empty" test -z "$(cat $IMA/policy)"

ima_policy_write "# comments and blank lines are skipped

dont_measure fowner=1234
measure func=PATH_CHECK mask=^MAY_READ fsmagic=0xEF53 euid<1000"
tap_check "a valid policy is accepted" test $? = 0
printf 'dont_measure fowner=1234 \nmeasure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53 euid<1000 \n' >$T/want
tap_check "policy reads back in upstream's canonical form" same_file $T/want $IMA/policy

printf 'measure func=BPRM_CHECK\nmeasure bogus_token=1\n' 2>$T/err >$IMA/policy
rc=$?
tap_check "a bad rule fails the write" test $rc != 0
tap_check "... with EINVAL" grep -q "Invalid argument" $T/err
tap_check "... and the kernel log names the bad token" sh -c "dmesg | grep -q 'rejected at \"bogus_token=1\"'"
tap_check "the policy in force is unchanged" same_file $T/want $IMA/policy

# The old policy still applies.
echo a >$SCRATCH/a && cat $SCRATCH/a >/dev/null
echo b >$SCRATCH/b && chown 1234 $SCRATCH/b && cat $SCRATCH/b >/dev/null
tap_check "the old policy still measures" test "$(ima_count $SCRATCH/a "$(sha256_of $SCRATCH/a)")" = 1
tap_check "the old policy's dont_measure still applies" test -z "$(ima_digests_of $SCRATCH/b)"

setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c "echo measure >$IMA/policy" 2>$T/err
tap_check "a non-root user cannot write the policy" grep -q "Permission denied" $T/err

exec 3>$IMA/policy
echo measure 2>$T/err >$IMA/policy
exec 3>&-
tap_check "a second concurrent writer gets EBUSY" grep -q "Device or resource busy" $T/err

ima_policy_write "measure func=MMAP_CHECK mask=MAY_EXEC"
tap_check "a later update appends to the custom policy" test "$(wc -l <$IMA/policy)" = 3

ima_unload || bail "cannot unload"
ima_load ima_policy=tcb || bail "cannot load with ima_policy=tcb"
cat >$T/tcb <<'EOT'
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
tap_check "ima_policy=tcb installs upstream's tcb rules" same_file $T/tcb $IMA/policy
ima_unload

insmod $KO ima_hash=md5 2>$T/md5.err
rc=$?
tap_check "ima_hash=md5 is refused at load (EINVAL, not a leftover module)" \
	bash -c "test $rc != 0 && grep -q 'Invalid parameters' $T/md5.err"
grep -q '^ima_ns ' /proc/modules && ima_unload
tap_finish
