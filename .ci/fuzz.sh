#!/usr/bin/env bash
# Runs every Go fuzz target of the module, one after the other, for a fixed
# time each. Part of the benchmark runs (make fuzz), not of CI or make test:
# two minutes per target is far too long for either.
#
#   .ci/fuzz.sh [PACKAGE...]      (default: every package of the module)
#
# Targets are found, not listed here: packages whose test files declare a
# `func Fuzz...` are asked for their targets with `go test -list '^Fuzz'`,
# so a new target anywhere in the module is picked up without editing this.
#
# Settings (environment):
#   FUZZTIME           time per target, as go test -fuzztime takes it (2m)
#   FUZZ_PARALLEL      fuzzing workers per target (go test's default: GOMAXPROCS)
#   FUZZ_MINIMIZETIME  time to minimise each new interesting input (go's default, 60s)
#   FUZZ_OUT           folder for the logs (.ci/artifacts/fuzz)
#
# A failing input is saved by go test under the package's
# testdata/fuzz/FuzzName/ folder; the script names it and exits 1 after
# running every target. Only the go tool runs: nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

fuzztime=${FUZZTIME:-2m}
out=${FUZZ_OUT:-.ci/artifacts/fuzz}
mkdir -p "$out"

pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	pkgs=(./...)
fi

# Packages whose test files declare a fuzz target (cheap: no compiling).
mapfile -t candidates < <(go list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' "${pkgs[@]}" |
	while read -r pkg dir files; do
		for f in $files; do
			if grep -q '^func Fuzz[A-Z0-9_]' "$dir/$f"; then
				echo "$pkg"
				break
			fi
		done
	done)

# The targets, as go test lists them.
targets=()
for pkg in "${candidates[@]}"; do
	while read -r name; do
		case $name in Fuzz*) targets+=("$pkg $name") ;; esac
	done < <(go test -list '^Fuzz' "$pkg")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found in ${pkgs[*]}" >&2
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, $fuzztime each"

extra=()
[ -n "${FUZZ_PARALLEL:-}" ] && extra+=(-parallel "$FUZZ_PARALLEL")
[ -n "${FUZZ_MINIMIZETIME:-}" ] && extra+=(-fuzzminimizetime "$FUZZ_MINIMIZETIME")

failed=0
summary="$out/summary.txt"
: >"$summary"
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	log="$out/${pkg//\//_}.$name.log"
	echo "fuzz: $pkg $name"
	start=$(date +%s)
	if go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "${extra[@]}" "$pkg" >"$log" 2>&1; then
		result=ok
	else
		result=FAILED
		failed=$((failed + 1))
	fi
	# The last progress line has the totals: "elapsed: ..., execs: N (R/sec), new interesting: K (total: T)".
	last=$(grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true)
	line="$result $pkg $name $(($(date +%s) - start))s ${last#fuzz: }"
	echo "$line" | tee -a "$summary"
	if [ "$result" = FAILED ]; then
		grep -E 'Failing input written to|--- FAIL|panic:' "$log" | head -n 5 >&2 || true
		echo "fuzz: full log in $log" >&2
	fi
done
echo "fuzz: $((${#targets[@]} - failed)) of ${#targets[@]} targets passed; summary in $summary"
[ "$failed" -eq 0 ]
