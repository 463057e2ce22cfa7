#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The list replays to the TPM's PCR 10: checked by evmctl (ima-evm-utils),
# by tpm2-tools reading the TPM, and by an independent replay.
# Must be the first module load of the boot (PCR 10 starts at zero).
. "$(dirname "$0")/lib.sh"
tap_plan 12

ima_load || bail "cannot load ima_ns.ko"
# Only ext4 files, so the tools run below (from 9p) add no entries.
ima_policy_write "measure func=BPRM_CHECK mask=MAY_EXEC fsmagic=0xef53
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || bail "policy write failed"
cp /bin/true $SCRATCH/true && $SCRATCH/true
for i in 1 2 3 4 5; do echo "file $i" >$SCRATCH/f$i && cat $SCRATCH/f$i >/dev/null; done

T=$(mktemp -d)
cp $IMA/binary_runtime_measurements $T/list.bin
banks=$(ls /sys/class/tpm/tpm0/ | sed -n 's/^pcr-//p' | sort | tr '\n' ' ')
diag "TPM banks: $banks"
for alg in $banks; do
	for i in $(seq 0 23); do
		printf 'PCR-%02d %s\n' "$i" "$(cat /sys/class/tpm/tpm0/pcr-$alg/$i)"
	done >$T/pcrs-$alg
done
# evmctl 1.4 takes at most two --pcrs files; the replay below checks all banks.
pcrs_args=(--pcrs "sha1,$T/pcrs-sha1" --pcrs "sha256,$T/pcrs-sha256")

evmctl ima_measurement "${pcrs_args[@]}" $T/list.bin >$T/evmctl.out 2>&1
rc=$?
sed 's/^/# evmctl: /' $T/evmctl.out | tail -n 5
tap_check "evmctl ima_measurement parses the whole binary list" test $rc = 0
# evmctl 1.4 exits 0 even when no bank matches: its verdict is this line.
tap_check "evmctl ima_measurement validates the list against TPM PCR 10 (sha1, sha256)" \
	grep -q "Matched per TPM bank" $T/evmctl.out

python3 "$(dirname "$0")/replay.py" $T/list.bin $banks >$T/replay || bail "replay failed"
ok=true
for alg in $banks; do
	tpm=$(tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-$alg/10)
	grep -qx "$alg $tpm" $T/replay || { diag "$alg: TPM $tpm, replay $(grep "^$alg " $T/replay)"; ok=false; }
done
tap_check "an independent replay of every bank equals TPM PCR 10" $ok

tpm2_pcrread -T device:/dev/tpmrm0 sha256:10 -o $T/pcr10.bin >/dev/null 2>&1
tap_check "tpm2_pcrread sha256:10 equals the replay" \
	test "$(od -An -tx1 -v $T/pcr10.bin | tr -d ' \n')" = "$(awk '$1 == "sha256" { print $2 }' $T/replay)"

agg=$(evmctl ima_boot_aggregate --pcrs sha256,$T/pcrs-sha256 2>/dev/null | awk '{ print $1 }')
first=$(head -n 1 $IMA/ascii_runtime_measurements | awk '{ print $4 }')
diag "boot_aggregate: evmctl $agg, list $first"
tap_check "boot_aggregate equals evmctl ima_boot_aggregate" test "$agg" = "$first"

n=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import replay; print(sum(1 for _ in replay.entries(open(sys.argv[2], "rb").read())))' \
	"$(dirname "$0")" $T/list.bin)
tap_check "binary list has runtime_measurements_count entries ($n)" \
	test "$n" = "$(cat $IMA/runtime_measurements_count)"
tap_check "ascii and binary lists have the same entries" \
	test "$n" = "$(wc -l <$IMA/ascii_runtime_measurements)"
tap_check "the measured files are in the list" test "$(ima_count $SCRATCH/f3 "$(sha256_of $SCRATCH/f3)")" = 1

# Per-bank lists (upstream 6.10+): the unsuffixed files are the SHA-1 ones;
# each TPM bank's list holds that bank's template digests and replays to
# that bank's PCR 10; banks the TPM lacks have no list.
# (No process substitution here: the guest has no /dev/fd.)
cat $IMA/ascii_runtime_measurements >$T/list.txt
tap_check "the _sha1 lists are the unsuffixed lists" sh -c \
	"cat $IMA/ascii_runtime_measurements_sha1 | cmp -s $T/list.txt - &&
	 cat $IMA/binary_runtime_measurements_sha1 | cmp -s $T/list.bin -"
ok=true
for alg in $banks; do
	cat $IMA/binary_runtime_measurements_$alg >$T/list-$alg.bin
	cat $IMA/ascii_runtime_measurements_$alg >$T/list-$alg.txt
	python3 "$(dirname "$0")/replay.py" --bank $alg $T/list-$alg.bin >$T/replay-$alg ||
		{ diag "$alg: bad per-bank list"; ok=false; continue; }
	tpm=$(tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-$alg/10)
	head -n 1 $T/replay-$alg | grep -qx "$alg $tpm" || { diag "$alg: TPM $tpm, list $(head -n 1 $T/replay-$alg)"; ok=false; }
	tail -n +2 $T/replay-$alg >$T/digests-$alg
	awk '{ print $2 }' $T/list-$alg.txt | cmp -s - $T/digests-$alg ||
		{ diag "$alg: ascii and binary digests differ"; ok=false; }
done
tap_check "each bank's list has that bank's template digests and replays to its PCR 10 ($banks)" $ok
tap_check "... in the list's order, with the same entries as the sha1 list" \
	bash -c "cut -d' ' -f1,3- $T/list-sha256.txt >$T/a && cut -d' ' -f1,3- $T/list.txt >$T/b && cmp -s $T/a $T/b"
ok=true missing=""
for alg in sha256 sha384 sha512; do
	[ -d /sys/class/tpm/tpm0/pcr-$alg ] && continue
	missing="$missing $alg"
	cat $IMA/binary_runtime_measurements_$alg >/dev/null 2>$T/err && ok=false
	grep -q "No such file" $T/err || ok=false
done
if [ -n "$missing" ]; then
	tap_check "a bank the TPM does not have ($missing): ENOENT" $ok
else
	tap_skip "a bank the TPM does not have: ENOENT" "this TPM has every bank"
fi

ima_unload || diag "unload failed"
tap_finish
