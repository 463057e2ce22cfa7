# SPDX-License-Identifier: GPL-2.0
#
#   make            build ima_ns.ko against the test kernel (qemu/build-kernel.sh)
#   make check      host unit tests of the pure crates (cargo test)
#   make lint       rustfmt + clippy on the host crates, rustfmtcheck on the module,
#                   shellcheck on every shell script (.shellcheckrc), and the
#                   module's import tiers (tools/modgraph.py --check)
#   make run        boot QEMU + swtpm, load the module, show measurements
#   make test       host tests + the QEMU kselftest suite
#   make bench      ima_ns.ko against built-in IMA on the distro kernel, one boot
#                   (qemu/bench-distro.sh; Documentation/numbers.md)
#   make bench-open  what one cached open costs each engine (a C loop, no shell;
#                   qemu/bench-open.sh), same kernel and boot scheme as make bench
#   make bench-debug  the debug-kernel benches, a regression check: bench-upstream,
#                   then the module's own costs (namespace depth, models)
#   make bench-upstream  the same workloads with no IMA, upstream IMA (tcb) and ima_ns.ko (tcb)
#   make stress     load + faults test for STRESS_SECONDS (default 600) with kmemleak
#
# IMA_NS_KERNEL picks the kernel flavor (qemu/env.sh): test (6.12, debug;
# the default), distro (7.3, IMA built in) or upstream (6.12 + IMA).
# KDIR defaults to that flavor's cached build; pass KDIR= to use another
# (a distribution's headers, see Documentation/requirements.md).
# The module is built in build/<flavor>/tree, a copy of the sources: Kbuild
# writes objects beside them, and each kernel needs its own.

IMA_NS_CACHE ?= $(HOME)/.cache/ima-ns
IMA_NS_KERNEL ?= test
export IMA_NS_CACHE IMA_NS_KERNEL
# $(shell) sees make's exports only from GNU make 4.4 on: pass the flavor.
KDIR ?= $(shell IMA_NS_KERNEL=$(IMA_NS_KERNEL) IMA_NS_CACHE=$(IMA_NS_CACHE) bash qemu/build-kernel.sh)
LLVM ?= -19
BINDGEN ?= $(shell IMA_NS_KERNEL=$(IMA_NS_KERNEL) IMA_NS_CACHE=$(IMA_NS_CACHE) bash -c '. qemu/env.sh && echo $$BINDGEN_DIR/bin/bindgen')
OUT := $(CURDIR)/build/$(IMA_NS_KERNEL)
TREE := $(OUT)/tree
KMAKE = $(MAKE) -C $(KDIR) M=$(TREE) LLVM=$(LLVM) RUSTC=/usr/bin/rustc \
	HOSTRUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc BINDGEN=$(BINDGEN)
# IMA_NS_CLIPPY=1 (make test sets it): the module is compiled by
# clippy-driver, the same rustc plus the kernel's lints, warnings as errors.
ifeq ($(IMA_NS_CLIPPY),1)
KMAKE += CLIPPY=1 CLIPPY_DRIVER=/usr/bin/clippy-driver KRUSTFLAGS=-Dwarnings
endif

DEPS := $(OUT)/rustdeps

.PHONY: all tree modules deps bindings check lint clippy doc run test bench bench-open bench-debug bench-upstream fuzz stress clean

all: modules

# rsync keeps mtimes, so an unchanged file is not rebuilt.
tree:
	mkdir -p $(TREE)
	rsync -a --exclude=/.git --exclude=/Documentation --exclude=/fuzz \
		--exclude-from=.gitignore ./ $(TREE)/

deps: tree
	bash $(TREE)/rustdeps/build.sh $(KDIR) $(DEPS)

bindings: tree
	bash $(TREE)/ima_ns/gen-bindings.sh $(KDIR)

modules: deps bindings tests/uring_openat qemu/openloop
	$(KMAKE) IMA_NS_RUSTFLAGS="$$(cat $(DEPS)/externs)" modules
	$(KMAKE) M=$(TREE)/tests/modules modules

# A test helper for the guest, which runs the host's userspace read-only.
tests/uring_openat: tests/uring_openat.c
	$(CC) -O2 -Wall -o $@ $<

# make bench-open's and tests/ima_ns_perf.sh's workload.
qemu/openloop: qemu/openloop.c
	$(CC) -O2 -Wall -o $@ $<

check:
	cargo test --workspace

lint:
	cargo fmt --all --check
	cargo fmt --all --check --manifest-path fuzz/Cargo.toml
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	rustfmt --check --edition 2021 --config-path $(KDIR)/source/.rustfmt.toml ima_ns/ima_ns.rs
	python3 tools/modgraph.py --check >/dev/null || python3 tools/modgraph.py --check
	shellcheck $$( (git ls-files '*.sh'; git ls-files -z | xargs -0 awk \
		'FNR == 1 && /^#!.*sh/ { print FILENAME } { nextfile }') | sort -u)

# The module under the kernel's own clippy lint set (scripts/Makefile's
# CLIPPY=1, with Debian's rust-web-clippy, which matches /usr/bin/rustc),
# warnings as errors. Its own output tree: the .ko a guest loads stays.
clippy:
	$(MAKE) -s OUT=$(CURDIR)/build/clippy-$(IMA_NS_KERNEL) modules IMA_NS_CLIPPY=1

# rustdoc for the module crate (private items too), broken links as errors.
doc: modules
	bash tools/module-doc.sh $(IMA_NS_KERNEL) $(OUT)/doc

run:
	bash qemu/run-demo.sh

test:
	bash tests/run-all.sh

bench:
	bash qemu/bench-distro.sh

bench-open:
	bash qemu/bench-open.sh

bench-debug: bench-upstream
	bash qemu/bench.sh

bench-upstream:
	bash qemu/bench-upstream.sh

FUZZ_SECONDS ?= 600
fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

STRESS_SECONDS ?= 600
stress:
	bash qemu/stress.sh $(STRESS_SECONDS)

clean:
	rm -rf build tests/uring_openat qemu/openloop
