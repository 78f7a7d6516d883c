#!/usr/bin/env bash
# Fuzzes the generated VMGEXIT validator with libFuzzer under ASan and UBSan
# (clang from Debian; libclang-rt-14-dev provides libFuzzer), seeded from the
# NAE regression vectors and scenarios. Prints executions and findings.
#
#   test/fuzz/run.sh [SECONDS]        default 60; FUZZ_JOBS=n for parallel jobs
#   FUZZ_VMGEXIT_C=file               fuzz another copy of vmgexit.c (e.g. one with a bug planted)
#
# Crash inputs are kept in test/fuzz/findings/ (reproduce: the fuzzer binary
# with the file as argument). Exit status: 0 no findings, 1 findings, 2 setup.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-${FUZZ_SECONDS:-60}}"
work="$(mktemp -d "${TMPDIR:-/tmp}/xen-sev-fuzz-XXXXXX")"
findings="$root/test/fuzz/findings"
mkdir -p "$findings" "$work/corpus"

cc="${FUZZ_CC:-clang}"
if ! command -v "$cc" >/dev/null; then
    echo "fuzz: $cc not found (scripts/install-deps installs clang and libclang-rt-14-dev)" >&2
    exit 2
fi
"$cc" -g -O1 -std=c11 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/generated/c" -I"$root/test/c/xen-shim/include" "$root/test/fuzz/vmgexit-fuzz.c" "${FUZZ_VMGEXIT_C:-$root/generated/c/vmgexit.c}" -o "$work/vmgexit-fuzz" || {
    echo "fuzz: cannot build the fuzzer (is libclang-rt-14-dev installed?)" >&2
    exit 2
}
node --import tsx "$root/test/fuzz/seeds.ts" "$work/corpus"

set +e
# libFuzzer writes fuzz-N.log files into the current directory when -jobs is given.
cd "$work"
"$work/vmgexit-fuzz" "$work/corpus" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$findings/" -jobs="${FUZZ_JOBS:-1}" -workers="${FUZZ_JOBS:-1}" >"$work/log" 2>&1
rc=$?
set -e
execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | awk '{ n += $2 } END { print n + 0 }')"
crashes="$(grep -c 'ERROR: \|==ERROR\|runtime error' "$work/log" || true)"
echo "fuzz: ${seconds}s, ${execs} executions, corpus $(ls "$work/corpus" | wc -l) inputs, findings: ${crashes}"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    grep -m 20 'ERROR\|runtime error\|SUMMARY\|Test unit written' "$work/log" >&2 || tail -20 "$work/log" >&2
    exit 1
fi
rm -rf "$work"
