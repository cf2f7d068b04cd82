#!/usr/bin/env bash
# test/fuzz.sh SCALE — run every fuzz target for a fixed number of executions
# (its budget below times SCALE; CI runs `bash test/fuzz.sh 1`, about 15-30 s
# per target on a 2-core machine) one after another. A crash or failed
# property makes `go test` write the input to <pkg>/testdata/fuzz/<Name>/
# (commit it: it becomes a regression test) and this script exit non-zero,
# after running the remaining targets.
#
# Budgets are execution counts (-fuzztime=Nx), not durations: with a duration,
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded"
# failure when the deadline fires while a worker is mid-call (golang/go#75804,
# fixed in Go 1.27), which failed our CI once with no failing input. A count
# has no deadline to race. -timeout still bounds a target that hangs, and a
# hang is a real finding (a slow input is a denial of service).
set -uo pipefail

scale="${1:?usage: test/fuzz.sh SCALE (1 = CI budget, 10 = ten times longer)}"
if ! [[ "$scale" =~ ^[1-9][0-9]*$ ]]; then
	echo "test/fuzz.sh: SCALE must be a positive integer, got '$scale'" >&2
	exit 2
fi
cd "$(dirname "$0")/.."

# package  target  executions at SCALE 1 — keep this list in step with the
# Fuzz* functions. Budgets follow each target's speed (execs/s on 2 cores).
targets=(
	".         FuzzValidPageID  2000000"
	"./build   FuzzLoadFile     55000"
	"./build   FuzzOutPath      600000"
	"./build/markdown FuzzConverterLinks 150000"
	"./ugc     FuzzRender       160000"
	"./api     FuzzDecodeJSON   200000"
	"./live    FuzzStatic       160000"
	"./search  FuzzEachWord     100000"
)

failed=()
for t in "${targets[@]}"; do
	read -r pkg name execs <<<"$t"
	n=$((execs * scale))
	echo "=== fuzz $name ($pkg) for ${n} executions"
	if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="${n}x" -timeout=10m "$pkg"; then
		failed+=("$name")
	fi
done

if ((${#failed[@]} > 0)); then
	echo "FAIL: fuzzers found problems: ${failed[*]}" >&2
	exit 1
fi
echo "ok: ${#targets[@]} fuzz targets ran (scale $scale)"
