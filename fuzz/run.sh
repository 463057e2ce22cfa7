#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the libFuzzer targets and runs each for a bounded time:
# ./run.sh SECONDS [TARGET...] (default 30 s, every target, the time split
# between them). Exits non-zero on a crash (the input is left in
# artifacts/TARGET/).
#
# No cargo-fuzz or nightly needed: the coverage instrumentation is LLVM's
# sancov pass (-Cpasses=sancov-module, stable), and libfuzzer-sys compiles
# libFuzzer itself with the C++ compiler. --target keeps the flags off
# build scripts, as cargo-fuzz does.
set -euo pipefail
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(policy control xattr evm evidence)
cd "$(dirname "$0")"
target=$(rustc -vV | sed -n 's/^host: //p')
flags=(
	-Cpasses=sancov-module
	-Cllvm-args=-sanitizer-coverage-level=4
	-Cllvm-args=-sanitizer-coverage-inline-8bit-counters
	-Cllvm-args=-sanitizer-coverage-pc-table
	-Cllvm-args=-sanitizer-coverage-trace-compares
	--cfg fuzzing -Cdebug-assertions -Coverflow-checks
)
RUSTFLAGS="${flags[*]}" CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} \
	cargo build --quiet --release --target "$target" --bins
each=$((secs / ${#targets[@]} > 0 ? secs / ${#targets[@]} : 1))
for t in "${targets[@]}"; do
	mkdir -p "corpus/$t" "artifacts/$t"
	dict=()
	[ -f "$t.dict" ] && dict=(-dict="$t.dict")
	echo "fuzz: $t for $each s"
	"target/$target/release/$t" "corpus/$t" "seeds/$t" "${dict[@]}" \
		-max_len=4096 -max_total_time="$each" \
		-artifact_prefix="artifacts/$t/" -print_final_stats=1
done
