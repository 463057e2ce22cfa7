#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unloading disables the hooks first and leaves nothing behind; a reload
# starts a fresh list.
# seconds: 55
. "$(dirname "$0")/lib.sh"
tap_plan 7

ima_load ima_policy=tcb || bail "cannot load ima_ns.ko"
tap_check "hooks are live after load" test "$(cat $LIVEPATCH/enabled)" = 1
cp /bin/true "$SCRATCH"/true && "$SCRATCH"/true
tap_check "the tcb policy measured an exec" test -n "$(ima_digests_of "$SCRATCH"/true)"

ima_unload
tap_check "disable + rmmod succeed" test $? = 0
tap_check "the module is gone" sh -c "! grep -q '^ima_ns ' /proc/modules"
tap_check "the livepatch and securityfs files are gone" sh -c "! test -e $LIVEPATCH && ! test -e $IMA"
tap_check "exec works with the hooks gone" "$SCRATCH"/true

ima_load || bail "cannot reload ima_ns.ko"
tap_check "a reload starts a fresh list (boot_aggregate only)" \
	test "$(cat "$IMA"/runtime_measurements_count)" = 1
ima_unload
tap_finish
