#!/usr/bin/env bash
# bench/cacherepo.sh measures what a cache repository saves a fresh CI
# runner: `sammatrix validate` of the demo matrix, its images served by
# Debian's docker-registry on loopback, each run with an empty --cache-dir,
#
#   - without a cache repository (every layer fetched and scanned),
#   - as the first runner of a cache repository (scans, and pushes every
#     layer index),
#   - as a later runner (every layer index from the cache repository),
#
# and the same for the demo matrix plus one pair whose runtime image is the
# synthetic image of bench/gen (--size), to show how it scales with the
# layers' size. It prints a markdown table of medians: wall time, blobs and
# bytes fetched from the images, bytes read from the cache repository.
# Every run's JSON report is checked byte for byte against the run
# without a cache repository.
#
# Usage: bench/cacherepo.sh [--size 256M] [--reps 5]
#
# Needs bash 5, Go and docker-registry (Debian package docker-registry);
# never root.
set -euo pipefail
export LC_ALL=C

size=256M
reps=5
while (($#)); do
	case $1 in
	--size) size=${2:?}; shift 2 ;;
	--reps) reps=${2:?}; shift 2 ;;
	*) echo "usage: bench/cacherepo.sh [--size 256M] [--reps 5]" >&2; exit 2 ;;
	esac
done
if [[ -z ${EPOCHREALTIME:-} ]]; then
	echo "bench/cacherepo.sh: needs bash 5 (EPOCHREALTIME)" >&2
	exit 1
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sammatrix-cacherepo.XXXXXX")
cleanup() {
	bash testdata/registry/docker-registry.sh stop "$tmp/registry" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
log() { echo "bench/cacherepo.sh: $*" >&2; }

log "building into $tmp"
go build -o "$tmp/sammatrix" ./cmd/sammatrix
go build -o "$tmp/samfixture" ./cmd/samfixture
go build -o "$tmp/gen" ./bench/gen
go build -o "$tmp/pushlayout" ./bench/pushlayout

host=$(bash testdata/registry/docker-registry.sh start "$tmp/registry")
log "docker-registry on $host; pushing the demo images and a $size synthetic image"
"$tmp/samfixture" -push "$host" >/dev/null
"$tmp/gen" -o "$tmp/image" -size "$size" >"$tmp/gen.txt"
"$tmp/pushlayout" "$tmp/image" "$host/bench/synthetic:1"
read -r compressed _ < <(awk '$1 == "total" { print $2, $3 }' "$tmp/gen.txt")

sed "s|oci:|$host/|" testdata/demo/matrix.yaml >"$tmp/demo.yaml"
node20=$(awk '/nodejs:.*build-nodejs20\.x:/ { print $NF; exit }' "$tmp/demo.yaml")
{
	cat "$tmp/demo.yaml"
	echo "  - id: synthetic"
	echo "    runtime: $host/bench/synthetic:1"
	echo "    nodejs: $node20"
} >"$tmp/large.yaml"

# run MATRIX NAME [FLAGS...]: one fresh-runner validate; appends
# "wall_ms scanned from_repo pushed blobs bytes repo_bytes" to $tmp/NAME.
run=0
run() {
	local matrix=$1 name=$2 start end code
	shift 2
	run=$((run + 1))
	start=$EPOCHREALTIME
	code=0
	"$tmp/sammatrix" validate -f "$tmp/$matrix.yaml" -o json -v --no-progress --npm nonexistent-npm \
		--insecure-registry "$host" --cache-dir "$tmp/cache-$run" "$@" >"$tmp/out.json" 2>"$tmp/err.txt" || code=$?
	end=$EPOCHREALTIME
	rm -rf "$tmp/cache-$run"
	if ((code > 1)) || grep -q warning "$tmp/err.txt"; then
		cat "$tmp/err.txt" >&2
		exit 1
	fi
	if [[ -f $tmp/$matrix.want ]]; then
		cmp -s "$tmp/out.json" "$tmp/$matrix.want" || { log "$name: the report differs from the run without a cache repository"; exit 1; }
	else
		cp "$tmp/out.json" "$tmp/$matrix.want"
	fi
	awk -v s="$start" -v e="$end" -v cache="$*" '
		function bytes(v, u) { return v * (u == "kB" ? 1e3 : u == "MB" ? 1e6 : u == "GB" ? 1e9 : 1) }
		/^read / {
			gsub(/[(),:]/, " ")
			for (i = 1; i <= NF; i++) {
				if ($(i+1) == "layers" && $(i+2) == "scanned") scanned = $i
				if ($(i+1) == "layer" && $(i+5) == "cache" && $(i+6) == "repository") { repo = $i; rb = bytes($(i+7), $(i+8)) }
				if ($(i+1) == "pushed") pushed = $i
				if ($(i+1) == "blobs" && $(i+2) == "fetched") { blobs = $i; b = bytes($(i+3), $(i+4)) }
			}
			printf "%.0f %d %d %d %d %d %d\n", (e - s) * 1000, scanned, repo, pushed, blobs, b, rb
		}' "$tmp/err.txt" >>"$tmp/$name"
}

median() {
	awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
human() {
	awk -v n="$1" 'BEGIN { if (n < 1e3) printf "%d B", n; else if (n < 1e6) printf "%.1f kB", n / 1e3; else if (n < 1e9) printf "%.1f MB", n / 1e6; else printf "%.2f GB", n / 1e9 }'
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for matrix in demo large; do
	log "$matrix: $reps rounds of: no cache repository, first runner, later runner"
	for ((i = 1; i <= reps; i++)); do
		run "$matrix" "$matrix.none"
		run "$matrix" "$matrix.first" --cache-repo "$host/ci/cache-$matrix-$i"
		run "$matrix" "$matrix.later" --cache-repo "$host/ci/cache-$matrix-$i"
	done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

echo "- $(nproc) CPUs, $(go env GOVERSION), docker-registry $(docker-registry --version 2>/dev/null | awk '{ print $NF }') on loopback; load average $load_start → $load_end"
echo "- demo: the 10 distinct images of testdata/demo/matrix.yaml (13 pairs); large: the demo plus a pair whose runtime image is the synthetic image ($size of generated layers, $(human "$compressed") of gzip blobs)"
echo "- $reps rounds; medians; every run starts with an empty --cache-dir; every report is byte-identical to the run without a cache repository"
echo
echo "| matrix | fresh runner | wall | layers scanned | indexes from the cache repository | pushed | image blobs fetched | image bytes fetched | bytes from the cache repository |"
echo "|---|---|---|---|---|---|---|---|---|"
for matrix in demo large; do
	for kind in none first later; do
		f=$tmp/$matrix.$kind
		case $kind in
		none) label="no cache repository" ;;
		first) label="first, fills the cache repository" ;;
		later) label="later, cache repository filled" ;;
		esac
		printf '| %s | %s | %s ms | %s | %s | %s | %s | %s | %s |\n' "$matrix" "$label" "$(median "$f" 1)" \
			"$(median "$f" 2)" "$(median "$f" 3)" "$(median "$f" 4)" "$(median "$f" 5)" \
			"$(human "$(median "$f" 6)")" "$(human "$(median "$f" 7)")"
	done
done
