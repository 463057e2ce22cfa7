# SPDX-License-Identifier: GPL-2.0
#
#   make            build ima_ns.ko against the test kernel (qemu/build-kernel.sh)
#   make check      host unit tests of the pure crates (cargo test)
#   make lint       rustfmt + clippy on the host crates, rustfmtcheck on the module
#   make run        boot QEMU + swtpm, load the module, show measurements
#   make test       host tests + the QEMU kselftest suite
#   make bench      bench-upstream, then the module's own costs (namespace depth, models)
#   make bench-upstream  the same workloads with no IMA, upstream IMA (tcb) and ima_ns.ko (tcb)
#   make stress     load + faults test for STRESS_SECONDS (default 600) with kmemleak
#
# KDIR defaults to the cached test-kernel build; pass KDIR= to use another.

IMA_NS_CACHE ?= $(HOME)/.cache/ima-ns
export IMA_NS_CACHE
KDIR ?= $(shell bash qemu/build-kernel.sh)
LLVM ?= -19
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) LLVM=$(LLVM) RUSTC=/usr/bin/rustc \
	HOSTRUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
	BINDGEN=$(IMA_NS_CACHE)/tools/bin/bindgen

DEPS := $(CURDIR)/build/rustdeps

.PHONY: all modules deps bindings check lint run test bench bench-upstream stress clean

all: modules

deps:
	bash rustdeps/build.sh $(KDIR) $(DEPS)

bindings:
	bash ima_ns/gen-bindings.sh $(KDIR)

modules: deps bindings tests/uring_openat
	$(KMAKE) IMA_NS_RUSTFLAGS="$$(cat $(DEPS)/externs)" modules
	$(KMAKE) M=$(CURDIR)/tests/modules modules

# A test helper for the guest, which runs the host's userspace read-only.
tests/uring_openat: tests/uring_openat.c
	$(CC) -O2 -Wall -o $@ $<

check:
	cargo test --workspace

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	rustfmt --check --edition 2021 --config-path $(KDIR)/source/.rustfmt.toml ima_ns/ima_ns.rs

run:
	bash qemu/run-demo.sh

test:
	bash tests/run-all.sh

bench: bench-upstream
	bash qemu/bench.sh

bench-upstream:
	bash qemu/bench-upstream.sh

STRESS_SECONDS ?= 600
stress:
	bash qemu/stress.sh $(STRESS_SECONDS)

clean:
	-$(KMAKE) clean
	-$(KMAKE) M=$(CURDIR)/tests/modules clean
	rm -rf build rustdeps/rustdeps.o_shipped ima_ns/bindings_generated.rs tests/uring_openat
