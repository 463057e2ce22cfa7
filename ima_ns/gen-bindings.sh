#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Generates ima_ns/bindings_generated.rs from ima_ns/bindings_helper.h with
# the exact bindgen command the kernel used for its own bindings (same
# clang flags, same target), restricted to what the module calls.
set -euo pipefail
KDIR=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$here/bindings_generated.rs

allow=(
	--allowlist-function 'ima_ns_.*'
	--allowlist-var 'ima_ns_.*|IMA_NS_.*|O_ACCMODE|O_RDONLY|O_WRONLY|O_NONBLOCK|ENODATA|EOPNOTSUPP|ECANCELED|ENOKEY|ENOPKG|EKEYREJECTED|__this_module'
	--allowlist-function 'kernel_read'
	--allowlist-function 'tpm_default_chip|tpm_pcr_extend|tpm_pcr_read|put_device'
	--allowlist-function 'securityfs_create_dir|securityfs_create_file|securityfs_remove'
	--allowlist-function 'seq_open|seq_read|seq_lseek|seq_release|seq_write'
	--allowlist-function 'single_open|single_release|generic_file_llseek'
	--allowlist-function 'destroy_workqueue|drain_workqueue'
	--allowlist-function 'register_kprobe|unregister_kprobe|sprint_symbol|d_path'
	--allowlist-var 'KPROBE_FLAG_DISABLED'
	--allowlist-type 'kprobe|inode_operations|dir_context|kstat|mnt_idmap|iattr'
	--allowlist-function 'dcache_readdir|dcache_dir_open|dcache_dir_close|dcache_dir_lseek'
	--allowlist-function 'generic_read_dir|noop_fsync|simple_lookup|generic_permission|generic_fillattr|simple_setattr'
	--allowlist-type 'tpm_chip|tpm_digest|tpm_bank_info|seq_file|seq_operations|file_operations'
	# Keyrings and signatures (keyrings/kernel.rs).
	--allowlist-function 'keyring_alloc|keyring_restrict|keyring_search|key_create_or_update|key_invalidate|key_put'
	--allowlist-function 'verify_signature|kernel_read_file_from_path|vfree'
	--allowlist-var 'key_type_asymmetric|KEY_POS_.*|KEY_USR_.*|KEY_ALLOC_.*'
	--allowlist-type 'public_key|public_key_signature|kernel_read_file_id|kernel_load_data_id'
)

cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$KDIR/rust/bindings/.bindings_generated.rs.cmd")
cmd=${cmd%%; sed *}                                   # drop the kernel's post-processing
# The kernel's own build wrote this command for a shell: let a shell split
# and unquote it (Kbuild escapes '#' as $(pound) in .cmd files).
cmd=${cmd//\$(pound)/#}
words=()
eval "words=($cmd)"
args=()
for w in "${words[@]:2}"; do                        # skip bindgen and its input
	case "$w" in
	-Wp,-MMD,*) ;;                                     # no dep file
	--with-attribute-custom-enum=*) ;;                 # CFI encodings (7.x): not for our enums
	rust/bindings/bindings_generated.rs) args+=("$out.tmp") ;;
	--) args+=("${allow[@]}" --) ;;
	*) args+=("$w") ;;
	esac
done

cd "$KDIR"
"${words[0]}" "$here/bindings_helper.h" "${args[@]}"
sed -Ei 's/pub const RUST_CONST_HELPER_([a-zA-Z0-9_]*)/pub const \1/g' "$out.tmp"
if cmp -s "$out.tmp" "$out"; then rm "$out.tmp"; else mv "$out.tmp" "$out"; fi
