#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make run`.
. tests/lib.sh
set -e
echo "== insmod ima_ns.ko"
ima_load
echo "== policy"
# As upstream's tcb policy: pseudo filesystems first (proc, sysfs,
# debugfs, tmpfs, devpts, binfmt_misc, securityfs, selinuxfs, smackfs,
# cgroup, cgroup2, nsfs, efivarfs): their files have no stable contents,
# and measuring them fills the list with entries that mean nothing.
ima_policy_write "dont_measure fsmagic=0x9fa0
dont_measure fsmagic=0x62656572
dont_measure fsmagic=0x64626720
dont_measure fsmagic=0x01021994
dont_measure fsmagic=0x1cd1
dont_measure fsmagic=0x42494e4d
dont_measure fsmagic=0x73636673
dont_measure fsmagic=0xf97cff8c
dont_measure fsmagic=0x43415d53
dont_measure fsmagic=0x27e0eb
dont_measure fsmagic=0x63677270
dont_measure fsmagic=0x6e736673
dont_measure fsmagic=0xde5e81e4
measure func=BPRM_CHECK mask=MAY_EXEC
measure func=MMAP_CHECK mask=MAY_EXEC
measure func=FILE_CHECK mask=^MAY_READ uid=0"
cat "$IMA"/policy
echo "== running /bin/ls and reading /etc/os-release"
ls / >/dev/null
cat /etc/os-release >/dev/null
echo "== $IMA/ascii_runtime_measurements ($(cat "$IMA"/runtime_measurements_count) entries)"
cat "$IMA"/ascii_runtime_measurements
echo "== PCR $IMA_PCR"
for bank in /sys/class/tpm/tpm0/pcr-*; do
	echo "${bank##*pcr-}: $(cat "$bank/$IMA_PCR")"
done
echo "== a command in a new IMA namespace (ima-ns run), measuring its execs"
echo "measure func=BPRM_CHECK" | "$IMA_NS_TOP"/target/release/ima-ns run --policy - -- \
	sh -c "echo \"namespace \$(cat $IMA/ns_id), its list:\"; cat $IMA/ascii_runtime_measurements; echo 'its vpcr:'; cat $IMA/vpcr"
sleep 1
echo "== the host list anchors it"
grep ' ima-ns:' "$IMA"/ascii_runtime_measurements
ima_unload
