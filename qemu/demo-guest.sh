#!/bin/bash
# Runs inside the guest for `make run`.
. tests/lib.sh
set -e
echo "== insmod ima_ns.ko"
ima_load
echo "== policy"
ima_policy_write "measure func=BPRM_CHECK mask=MAY_EXEC
measure func=MMAP_CHECK mask=MAY_EXEC
measure func=FILE_CHECK mask=^MAY_READ uid=0"
cat $IMA/policy
echo "== running /bin/ls and reading /etc/os-release"
ls / >/dev/null
cat /etc/os-release >/dev/null
echo "== $IMA/ascii_runtime_measurements ($(cat $IMA/runtime_measurements_count) entries)"
cat $IMA/ascii_runtime_measurements
echo "== PCR 10"
for bank in /sys/class/tpm/tpm0/pcr-*; do
	echo "${bank##*pcr-}: $(cat $bank/10)"
done
echo "== a command in a new IMA namespace (ima-ns run), measuring its execs"
echo "measure func=BPRM_CHECK" | $IMA_NS_TOP/target/release/ima-ns run --policy - -- \
	sh -c "echo \"namespace \$(cat $IMA/ns_id), its list:\"; cat $IMA/ascii_runtime_measurements; echo 'its vpcr:'; cat $IMA/vpcr"
sleep 1
echo "== the host list anchors it"
grep ' ima-ns:' $IMA/ascii_runtime_measurements
ima_unload
