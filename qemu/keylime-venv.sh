#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A Python venv with keylime (PyPI) under build/keylime-venv, for
# tests/ima_ns_attest.sh: keylime's IMA verifier checks the host list,
# anchors included. keylime imports gpg, which only Debian's python3-gpg
# provides, so the venv is made from Debian's python3 with its system site
# packages. Under build/ (git-ignored) so the guest sees it in the repo
# share. Idempotent.
set -euo pipefail
. "$(dirname "$0")/env.sh"
KEYLIME_VERSION=7.14.3
venv=$IMA_NS_TOP/build/keylime-venv
if "$venv/bin/python3" -c "import keylime.ima.ima, sys; import importlib.metadata as m; sys.exit(m.version('keylime') != '$KEYLIME_VERSION')" 2>/dev/null; then
	exit 0
fi
echo "keylime-venv: creating $venv (keylime $KEYLIME_VERSION)"
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install -q "keylime==$KEYLIME_VERSION" jsonschema pyyaml lark packaging
