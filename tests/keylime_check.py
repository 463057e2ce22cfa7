#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Validates an IMA ascii measurement list with keylime's own verifier
(keylime.ima.ima.process_measurement_list, PyPI keylime in
build/keylime-venv, made by qemu/keylime-venv.sh), as keylime's verifier
does for an agent: every entry's template hash, the list against PCR 10,
and every entry against a runtime policy, ima-buf entries (the ima-ns
anchors) included.

  keylime_check.py LIST.ascii PCR10_SHA1_HEX POLICY.json

The list is the SHA-1 one (runtime policy "ima": {"log_hash_alg": "sha1"}),
replayed in the sha1 bank. Prints keylime's failure events; exits 0 if
keylime found none, 1 otherwise.
"""
import json
import logging
import os
import sys

logging.disable(logging.CRITICAL)
os.environ.setdefault("KEYLIME_LOGGING_CONFIG", "/dev/null")

from keylime.common import algorithms  # noqa: E402
from keylime.ima import ima  # noqa: E402


def main():
    lines = open(sys.argv[1]).read().splitlines(keepends=True)
    pcr10 = sys.argv[2].strip().lower()
    policy = json.load(open(sys.argv[3]))
    _, failure = ima.process_measurement_list(
        None, lines, runtime_policy=policy, pcrval=pcr10, hash_alg=algorithms.Hash.SHA1
    )
    events = failure.get_event_ids() if failure else []
    for e in failure.events if failure else []:
        print(f"keylime: {e.event_id}: {e.context}")
    print(f"keylime: {len(lines)} entries, {len(events)} failures")
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
