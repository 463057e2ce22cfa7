/* SPDX-License-Identifier: GPL-2.0 */
/* Headers bindgen reads for ima_ns/bindings.rs (see ima_ns/gen-bindings.sh). */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kernel_read_file.h>
#include <linux/key.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include <linux/security.h>
#include <linux/tpm.h>
#include <linux/vmalloc.h>
#include <crypto/hash.h>
#include <crypto/public_key.h>
#include <keys/asymmetric-type.h>
#include "glue.h"
