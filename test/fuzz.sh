#!/usr/bin/env bash
# test/fuzz.sh DURATION — run every fuzz target for DURATION (e.g. 20s, 5m)
# one after another. CI runs `bash test/fuzz.sh 20s`. A crash or failed
# property makes `go test` write the input to <pkg>/testdata/fuzz/<Name>/
# (commit it: it becomes a regression test) and this script exit non-zero,
# after running the remaining targets.
set -uo pipefail

duration="${1:?usage: test/fuzz.sh DURATION (e.g. 20s)}"
cd "$(dirname "$0")/.."

# package  target — keep this list in step with the Fuzz* functions.
targets=(
	".         FuzzValidPageID"
	"./build   FuzzLoadFile"
	"./build   FuzzOutPath"
	"./ugc     FuzzRender"
	"./api     FuzzDecodeJSON"
)

failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "=== fuzz $name ($pkg) for $duration"
	if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$duration" "$pkg"; then
		failed+=("$name")
	fi
done

if ((${#failed[@]} > 0)); then
	echo "FAIL: fuzzers found problems: ${failed[*]}" >&2
	exit 1
fi
echo "ok: ${#targets[@]} fuzz targets ran for $duration each"
