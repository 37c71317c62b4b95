#!/usr/bin/env bash
# build_and_run.sh PREFIX HOST_BUILD: builds this plugin against the SDK
# installed in PREFIX, loads it with dshost through the pipeline's
# plugin_path, runs the pipeline and checks what it wrote.
set -euo pipefail
prefix=$(realpath "$1")
dshost=$(realpath "$2")/dshost
here=$(cd "$(dirname "$0")" && pwd)

cmake -S "$here" -B "$here/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$here/build" > /dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {  # check NAME COMMAND...
  if "${@:2}" > "$work/out.txt" 2>&1; then
    passed=$((passed + 1)); echo "ok   $1"
  else
    failed=$((failed + 1)); echo "FAIL $1"; cat "$work/out.txt"
  fi
}
check "plugin exports only its entry point" \
  bash -c "[ \"\$(nm -D --defined-only '$here/build/plugins/acme_keyword_filter.so' | awk '{print \$3}')\" = dsforge_plugin_entry ]"
check "dshost lists the plugin's settings" \
  bash -c "'$dshost' plugins --plugin-path '$here/build/plugins' --describe keyword_filter | grep -q 'ignore_case'"
check "the pipeline validates" "$dshost" validate "$here/pipeline.toml"
check "the pipeline runs" bash -c "cd '$work' && '$dshost' -q run '$here/pipeline.toml'"
check "every kept record has a keyword" bash -c "
  f='$work/out/keyword_filter/kept.jsonl'
  n=\$(wc -l < \"\$f\"); [ \"\$n\" -gt 50 ] || { echo \"only \$n records\"; exit 1; }
  ! grep -viE 'unix|程序|电脑' \"\$f\""
echo "third_party_plugin: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
