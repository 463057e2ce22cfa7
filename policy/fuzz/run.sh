#!/usr/bin/env bash
# Builds the libFuzzer target on the policy parser and runs it for a
# bounded time: ./run.sh SECONDS (default 30). Exits non-zero on a crash
# (the input is left in artifacts/).
#
# No cargo-fuzz or nightly needed: the coverage instrumentation is LLVM's
# sancov pass (-Cpasses=sancov-module, stable), and libfuzzer-sys compiles
# libFuzzer itself with the C++ compiler. --target keeps the flags off
# build scripts, as cargo-fuzz does.
set -euo pipefail
secs=${1:-30}
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
	cargo build --quiet --release --target "$target" --bin parse
mkdir -p corpus artifacts
exec "target/$target/release/parse" corpus seeds \
	-dict=policy.dict -max_len=512 -max_total_time="$secs" \
	-artifact_prefix=artifacts/ -print_final_stats=1
