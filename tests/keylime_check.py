#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Validates an IMA ascii measurement list with keylime's own verifier
(keylime.ima.ima.process_measurement_list, PyPI keylime in
build/keylime-venv, made by qemu/keylime-venv.sh), as keylime's verifier
does for an agent: every entry's template hash, the list against PCR 10,
and every entry against a runtime policy, ima-buf entries (the ima-ns
anchors) included.

  keylime_check.py PCR10_SHA1_HEX LIST.ascii POLICY.json [LIST POLICY]...

Each list is a SHA-1 one (runtime policy "ima": {"log_hash_alg": "sha1"}),
replayed in the sha1 bank; several (list, policy) cases in one run import
keylime once (slow in the guest). Prints keylime's failure events and
"case N: ok" or "case N: failed" per case; exits 0.
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
    pcr10 = sys.argv[1].strip().lower()
    args = sys.argv[2:]
    for n in range(0, len(args) - 1, 2):
        lines = open(args[n]).read().splitlines(keepends=True)
        policy = json.load(open(args[n + 1]))
        _, failure = ima.process_measurement_list(
            None, lines, runtime_policy=policy, pcrval=pcr10, hash_alg=algorithms.Hash.SHA1
        )
        for e in failure.events if failure else []:
            print(f"case {n // 2 + 1}: keylime: {e.event_id}: {e.context}")
        print(f"case {n // 2 + 1}: {len(lines)} entries, {'failed' if failure else 'ok'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
