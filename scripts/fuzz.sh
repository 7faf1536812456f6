#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (release, with AddressSanitizer, in .build-fuzz) and runs each for SECONDS
# seconds on its committed seeds (Fuzz/corpus/TARGET) plus what earlier runs found (.build-fuzz/corpus/TARGET).
# Fails on the first target with a finding; the input is kept in .build-fuzz/findings/.
#   scripts/fuzz.sh SECONDS [TARGET...]     (make fuzz, make fuzz-smoke; Fuzz/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(predict-body predict-handler kserve-infer csv-dataset hdf5-dataset model-file idx)
swift=${SWIFT:-swift}

# SwiftPM points `main` at the executable's own entry point, which gold then finds defined twice (libFuzzer's
# main comes in whole-archive): lld, shipped with the toolchain, takes SwiftPM's definition.
flags=(-c release --product logit-fuzz --scratch-path .build-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLOGIT_FUZZ -Xswiftc -use-ld=lld)
"$swift" build "${flags[@]}"
binary="$("$swift" build "${flags[@]}" --show-bin-path)/logit-fuzz"

mkdir -p .build-fuzz/findings
for target in "${targets[@]}"; do
    mkdir -p ".build-fuzz/corpus/$target"
    log=".build-fuzz/$target.log"
    # Swift's own crash reporter would stand between libFuzzer and the crash (and can stall): off.
    # Leak checks are off, in libFuzzer and at exit: Foundation's own allocations read as leaks
    # (docs/reliability.md). An allocation the machine cannot give returns NULL, as malloc does without ASan:
    # libhdf5 asks for gigabytes on some damaged files and copes with the refusal. (Swift traps on NULL, and
    # libFuzzer still reports any allocation over 2 GB that succeeds.)
    # FUZZ_SEED (make fuzz-smoke sets 1) makes the mutations repeatable, so a smoke in make test does not turn red
    # by chance on a finding a long run may meet (docs/reliability.md, "Open").
    if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -seed="${FUZZ_SEED:-0}" \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix=".build-fuzz/findings/$target-" \
        ".build-fuzz/corpus/$target" "Fuzz/corpus/$target" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target found a problem (input in .build-fuzz/findings/, log $log)" >&2
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $target: ${runs:-?} executions in ${seconds} s, no finding"
done
