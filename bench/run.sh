#!/usr/bin/env bash
# bench/run.sh measures sammatrix inspect and validate on this machine and
# prints a markdown table of the figures against the goals, the cold ones as
# ratios to the floor: (f) bench/floor, which decompresses the same layer
# blobs one after another, on one core, with the decoder inspect uses, to
# io.Discard, in one process. Measured in the same run:
#
#   - cold inspect of a large synthetic image: --no-cache on every CPU,
#     goal ≤ 0.6× (f); --no-cache --jobs 1, goal ≤ 1.1× (f); with an empty
#     --cache-dir; next to `gzip -dc` of the blobs and a flatten with
#     go-containerregistry's mutate.Extract;
#   - peak RSS of that cold inspect; goal ≤ 150 MB;
#   - cold inspect --no-cache of an image whose top layer is one file of
#     zeros under /opt (--zeros, 2 GiB), goal ≤ 1.2× its own floor and
#     peak RSS ≤ 100 MB;
#   - warm inspect (every layer cached) of one image, goal ≤ 50 ms, and of
#     every distinct image of testdata/demo/matrix.yaml, goal ≤ 200 ms;
#   - warm `sammatrix validate` (every layer index cached) of
#     testdata/demo/matrix.yaml, and of a matrix of 17 pairs over the 11
#     SAM fixture images that Debian's docker-registry serves on loopback
#     (bench/pushfixtures), goal ≤ 50 ms each; next to the latter, its own
#     floor (r): bench/regfloor, a fresh Go process that only pings the
#     registry and reads the matrix's 12 manifests at once, as a warm
#     validate must; and the command's start-up, `sammatrix version`.
#
# Usage: bench/run.sh [--size 512M] [--layers 6] [--zeros 2G] [--reps 7] [--warm-reps 15]
#                     [--validate-reps 9] [--registry 1]
#
# It builds the command (static, CGO_ENABLED=0, as the README installs
# it), the image generator (bench/gen), the floor (bench/floor), the
# flattener (bench/flatten), bench/pushfixtures and bench/regfloor (static
# too) into a temporary directory, writes the images there, runs every
# cold measurement --reps times and every warm inspect --warm-reps times,
# interleaved so that a burst of load on the machine hits all of them
# alike, and reports medians. The blobs are read once first, so every
# measurement reads them from the page cache: "cold" means nothing in
# sammatrix's cache, not a cold disk. --zeros 0 leaves the zeros image out.
# Each warm validate is timed --validate-reps times, interleaved with the
# registry floor and the start-up, after a run that fills its cache and a
# warm-up run; it may exit 0 or 1 (the matrices hold pairs the rules
# reject), any other exit stops the benchmark. validate is given an npm
# that does not exist, so that it never asks the npm registry. --registry 0
# leaves the docker-registry matrix out; without docker-registry installed
# its row says so. Needs bash 5, Go, gzip and GNU time (/usr/bin/time,
# Debian package "time"), and for the registry matrix docker-registry
# (Debian package "docker-registry"); never root.
set -euo pipefail
export LC_ALL=C

size=512M
layers=6
zeros=2G
reps=7
warm_reps=15
validate_reps=9
registry=1

usage() {
	echo "usage: bench/run.sh [--size 512M] [--layers 6] [--zeros 2G] [--reps 7] [--warm-reps 15] [--validate-reps 9] [--registry 1]" >&2
	exit 2
}
while (($#)); do
	case $1 in
	--size) size=${2:?}; shift 2 ;;
	--layers) layers=${2:?}; shift 2 ;;
	--zeros) zeros=${2:?}; shift 2 ;;
	--reps) reps=${2:?}; shift 2 ;;
	--warm-reps) warm_reps=${2:?}; shift 2 ;;
	--validate-reps) validate_reps=${2:?}; shift 2 ;;
	--registry) registry=${2:?}; shift 2 ;;
	-h | --help) usage ;;
	*) echo "bench/run.sh: unknown argument $1" >&2; usage ;;
	esac
done

if [[ ! -x /usr/bin/time ]]; then
	echo "bench/run.sh: GNU time (/usr/bin/time) is missing; install it with: apt-get install -y time" >&2
	exit 1
fi
for tool in go gzip awk; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench/run.sh: $tool is missing" >&2
		exit 1
	fi
done
if [[ -z ${EPOCHREALTIME:-} ]]; then
	echo "bench/run.sh: needs bash 5 (EPOCHREALTIME)" >&2
	exit 1
fi
if [[ $registry != 0 && $registry != 1 ]]; then
	echo "bench/run.sh: --registry takes 0 or 1" >&2
	usage
fi
# Why the registry matrix is left out, when it is.
registry_skip=
if [[ $registry == 1 ]] && ! command -v "${DOCKER_REGISTRY:-docker-registry}" >/dev/null; then
	registry_skip="${DOCKER_REGISTRY:-docker-registry} is not installed (apt-get install -y docker-registry)"
	echo "bench/run.sh: $registry_skip; its row is skipped" >&2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sammatrix-bench.XXXXXX")
cleanup() {
	if [[ -f $tmp/registry/pid ]]; then
		bash "$root/testdata/registry/docker-registry.sh" stop "$tmp/registry" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

log() { echo "bench/run.sh: $*" >&2; }

log "building into $tmp"
CGO_ENABLED=0 go build -o "$tmp/sammatrix" ./cmd/sammatrix # as the README installs it
go build -o "$tmp/gen" ./bench/gen
go build -o "$tmp/flatten" ./bench/flatten
go build -o "$tmp/floor" ./bench/floor

log "writing the synthetic image ($size over $layers generated layers)"
"$tmp/gen" -o "$tmp/image" -size "$size" -layers "$layers" >"$tmp/gen.txt"
ref=$(awk '$1 == "ref" { print $2 }' "$tmp/gen.txt")
mapfile -t blobs < <(awk '$1 == "layer" { print $2 }' "$tmp/gen.txt")
read -r compressed uncompressed files < <(awk '$1 == "total" { print $2, $3, $4 }' "$tmp/gen.txt")
cat "${blobs[@]}" >/dev/null # into the page cache

zblobs=()
if [[ $zeros != 0 ]]; then
	log "writing the zeros image ($zeros of zeros under /opt)"
	"$tmp/gen" -o "$tmp/zeros" -zeros "$zeros" >"$tmp/zgen.txt"
	zref=$(awk '$1 == "ref" { print $2 }' "$tmp/zgen.txt")
	mapfile -t zblobs < <(awk '$1 == "layer" { print $2 }' "$tmp/zgen.txt")
	read -r zcompressed zuncompressed _ < <(awk '$1 == "total" { print $2, $3, $4 }' "$tmp/zgen.txt")
	cat "${zblobs[@]}" >/dev/null
fi

demo=testdata/demo
mapfile -t demo_refs < <(awk '/^[[:space:]]*(-[[:space:]]+)?(runtime|nodejs):/ { print $NF }' "$demo/matrix.yaml" | awk '!seen[$0]++')
if ((${#demo_refs[@]} == 0)); then
	echo "bench/run.sh: no images found in $demo/matrix.yaml" >&2
	exit 1
fi
demo_pairs=$(grep -cE '^[[:space:]]*(-[[:space:]]+)?runtime:' "$demo/matrix.yaml")

if [[ $registry == 1 && -z $registry_skip ]]; then
	go build -o "$tmp/pushfixtures" ./bench/pushfixtures
	CGO_ENABLED=0 go build -o "$tmp/regfloor" ./bench/regfloor
	host=$(bash testdata/registry/docker-registry.sh start "$tmp/registry")
	log "docker-registry on $host; pushing the fixture images"
	push_start=$EPOCHREALTIME
	"$tmp/pushfixtures" -o "$tmp/fixtures.yaml" "$host"
	push_s=$(awk -v s="$push_start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
	reg_pairs=$(grep -cE '^[[:space:]]*(-[[:space:]]+)?runtime:' "$tmp/fixtures.yaml")
	reg_images=$(awk '/^[[:space:]]*(-[[:space:]]+)?(runtime|nodejs):/ { print $NF }' "$tmp/fixtures.yaml" | sort -u | wc -l)
	# Every image a validate of the matrix reads: the pairs' and the
	# plugin base image.
	mapfile -t reg_refs < <(awk '/^[[:space:]]*(-[[:space:]]+)?(runtime|nodejs|base-image):/ { print $NF }' "$tmp/fixtures.yaml" | sort -u)
fi

# measure NAME CMD...: runs CMD under GNU time, appending the wall time in
# ms to $tmp/NAME.wall and "rss_kb user_s sys_s" to $tmp/NAME.res.
measure() {
	local name=$1 start end
	shift
	start=$EPOCHREALTIME
	/usr/bin/time -f "%M %U %S" -o "$tmp/time.out" "$@" >/dev/null
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }' >>"$tmp/$name.wall"
	cat "$tmp/time.out" >>"$tmp/$name.res"
}

# measure_fast NAME CMD...: as measure, without GNU time in between, for
# runs of a few milliseconds.
measure_fast() {
	local name=$1 start end
	shift
	start=$EPOCHREALTIME
	"$@" >/dev/null
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }' >>"$tmp/$name.wall"
}

# measure_validate NAME ARGS...: as measure_fast, for `sammatrix validate
# ARGS...` in the working directory, which may exit 0 (every pair
# compatible) or 1 (a finding of error severity); any other exit stops the
# benchmark with validate's errors. The exit code goes to $tmp/NAME.exit.
measure_validate() {
	local name=$1 start end code=0
	shift
	start=$EPOCHREALTIME
	"$tmp/sammatrix" validate --no-progress --npm sammatrix-bench-no-npm "$@" >/dev/null 2>"$tmp/validate.err" || code=$?
	end=$EPOCHREALTIME
	if ((code > 1)); then
		cat "$tmp/validate.err" >&2
		echo "bench/run.sh: sammatrix validate $* exited $code" >&2
		exit 1
	fi
	echo "$code" >>"$tmp/$name.exit"
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }' >>"$tmp/$name.wall"
}

# median FILE [COLUMN]: the median of a column of numbers.
median() {
	awk -v c="${2:-1}" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
minmax() {
	sort -g "$1" | awk 'NR == 1 { min = $1 } { max = $1 } END { printf "%.1f–%.1f", min, max }'
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)

log "cold: $reps rounds of floor, gzip -dc, inspect (empty --cache-dir), inspect --no-cache, inspect --no-cache --jobs 1, mutate.Extract${zblobs:+, and the zeros image}"
for ((i = 1; i <= reps; i++)); do
	measure floor "$tmp/floor" "${blobs[@]}"
	measure gzip bash -c 'for b; do gzip -dc "$b"; done' _ "${blobs[@]}"
	measure cold "$tmp/sammatrix" inspect --no-progress --cache-dir "$tmp/cache-cold-$i" "$ref"
	rm -rf "$tmp/cache-cold-$i"
	measure nocache "$tmp/sammatrix" inspect --no-progress --no-cache "$ref"
	measure jobs1 "$tmp/sammatrix" inspect --no-progress --no-cache --jobs 1 "$ref"
	measure extract "$tmp/flatten" "${ref#oci:}"
	if ((${#zblobs[@]})); then
		measure zfloor "$tmp/floor" "${zblobs[@]}"
		measure zeros "$tmp/sammatrix" inspect --no-progress --no-cache "$zref"
	fi
done

log "warm: a filling run and a warm-up run, then $warm_reps rounds"
cache=$tmp/cache-warm
for ((i = 1; i <= 2; i++)); do
	"$tmp/sammatrix" inspect --no-progress --cache-dir "$cache" "$ref" >/dev/null
	(cd "$demo" && "$tmp/sammatrix" inspect --no-progress --cache-dir "$cache" "${demo_refs[@]}" >/dev/null)
done
for ((i = 1; i <= warm_reps; i++)); do
	measure_fast warm "$tmp/sammatrix" inspect --no-progress --cache-dir "$cache" "$ref"
	(cd "$demo" && measure_fast warmone "$tmp/sammatrix" inspect --no-progress --cache-dir "$cache" "${demo_refs[0]}")
	(cd "$demo" && measure_fast warmdemo "$tmp/sammatrix" inspect --no-progress --cache-dir "$cache" "${demo_refs[@]}")
done

# A filling run and a warm-up run of each matrix, under names of their own
# (*.fill) so that their exit codes are checked but their times not counted.
vcache=$tmp/cache-validate
regargs=()
if [[ -n ${host:-} ]]; then
	regargs=(-f "$tmp/fixtures.yaml" --insecure-registry "$host" --cache-dir "$vcache")
	log "warm validate: a filling run and a warm-up run of the demo matrix and the registry matrix, then $validate_reps rounds"
else
	log "warm validate: a filling run and a warm-up run of the demo matrix, then $validate_reps rounds"
fi
for ((i = 1; i <= 2; i++)); do
	(cd "$demo" && measure_validate vdemo.fill -f matrix.yaml --cache-dir "$vcache")
	if ((${#regargs[@]})); then
		measure_validate vreg.fill "${regargs[@]}"
		"$tmp/regfloor" -insecure "${reg_refs[@]}"
	fi
done
for ((i = 1; i <= validate_reps; i++)); do
	(cd "$demo" && measure_validate vdemo -f matrix.yaml --cache-dir "$vcache")
	if ((${#regargs[@]})); then
		measure_validate vreg "${regargs[@]}"
		measure_fast regfloor "$tmp/regfloor" -insecure "${reg_refs[@]}"
		measure_fast startup "$tmp/sammatrix" version
	fi
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)

floor_ms=$(median "$tmp/floor.wall")
gzip_ms=$(median "$tmp/gzip.wall")
cold_ms=$(median "$tmp/cold.wall")
nocache_ms=$(median "$tmp/nocache.wall")
jobs1_ms=$(median "$tmp/jobs1.wall")
extract_ms=$(median "$tmp/extract.wall")
warm_ms=$(median "$tmp/warm.wall")
warmone_ms=$(median "$tmp/warmone.wall")
warmdemo_ms=$(median "$tmp/warmdemo.wall")
vdemo_ms=$(median "$tmp/vdemo.wall")
cold_rss=$(median "$tmp/cold.res" 1)
cold_rss_max=$(awk '$1 > m { m = $1 } END { print m }' "$tmp/cold.res")
nocache_rss=$(median "$tmp/nocache.res" 1)
jobs1_rss=$(median "$tmp/jobs1.res" 1)
extract_rss=$(median "$tmp/extract.res" 1)
cpu() { awk '{ print $2 + $3 }' "$tmp/$1.res" >"$tmp/$1.cpu" && median "$tmp/$1.cpu" | awk '{ printf "%.2f", $1 }'; }

# row LABEL NAME MS RSS_KB CPU_S RATIO GOAL MET
row() {
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
		"$(awk -v v="$3" 'BEGIN { if (v >= 1000) printf "%.2f s", v / 1000; else printf "%.1f ms", v }')" \
		"$(minmax "$tmp/$2.wall") ms" "$4" "$5" "$6" "$7" "$8"
}
mb() { awk -v k="$1" 'BEGIN { m = k * 1024 / 1e6; printf (m < 10 ? "%.1f MB" : "%.0f MB"), m }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
met() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g) ? "met" : "not met" }'; }
# metr MS BASE_MS GOAL_RATIO: whether MS is at most GOAL_RATIO × BASE_MS.
metr() { met "$(awk -v a="$1" -v b="$2" 'BEGIN { print a / b }')" "$3"; }

echo
echo "## sammatrix inspect and validate benchmark"
echo
echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(go version | awk '{ print $3, $4 }'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "- load average (1, 5, 15 min): $load_start at the start, $load_end at the end"
echo "- synthetic image: ${#blobs[@]} layers (the $(awk '$1 == "layer" && $5 == 0' "$tmp/gen.txt" | wc -l) of the nodejs20.x fixture, $layers generated), $files generated files, $(mb $((uncompressed / 1024))) uncompressed, $(mb $((compressed / 1024))) of gzip blobs ($(ratio "$uncompressed" "$compressed"))"
if ((${#zblobs[@]})); then
	echo "- zeros image: ${#zblobs[@]} layers (the fixture's, then one file of $zeros zero bytes under /opt), $(mb $((zuncompressed / 1024))) uncompressed, $(mb $((zcompressed / 1024))) of gzip blobs"
fi
echo "- demo: ${#demo_refs[@]} distinct images of $demo/matrix.yaml"
# exits NAME: the exit codes of validate's timed runs, in words.
exits() { sort -u "$tmp/$1.exit" | paste -sd/ | sed 's|^|exit |; s|/| or |g'; }
echo "- warm validate: the demo matrix, $demo_pairs pairs over ${#demo_refs[@]} images and the plugin base image, $(exits vdemo) on every run"
if [[ -n ${host:-} ]]; then
	echo "- warm validate: bench/pushfixtures's matrix, $reg_pairs pairs over $reg_images images and the plugin base image, served by docker-registry $("${DOCKER_REGISTRY:-docker-registry}" --version 2>/dev/null | awk '{ print $NF }') on $host (pushed in $push_s s), $(exits vreg) on every run"
fi
echo "- $reps cold rounds, $warm_reps warm rounds, $validate_reps validate rounds; medians, with the range of the wall times; ratios are of medians measured in the same rounds"
echo
echo "| measurement | wall (median) | range | peak RSS | CPU user+sys | × floor | goal | |"
echo "|---|---|---|---|---|---|---|---|"
row "(f) floor: bench/floor inflates the ${#blobs[@]} blobs, one after another" floor "$floor_ms" "–" "$(cpu floor) s" "1.00×" "baseline" ""
row "\`gzip -dc\` of the same blobs, one after another" gzip "$gzip_ms" "–" "$(cpu gzip) s" "$(ratio "$gzip_ms" "$floor_ms")" "" ""
row "cold \`sammatrix inspect --no-cache\`" nocache "$nocache_ms" "$(mb "$nocache_rss")" "$(cpu nocache) s" "$(ratio "$nocache_ms" "$floor_ms")" "≤ 0.6×" "$(metr "$nocache_ms" "$floor_ms" 0.6)"
row "cold \`sammatrix inspect --no-cache --jobs 1\` (one layer at a time)" jobs1 "$jobs1_ms" "$(mb "$jobs1_rss")" "$(cpu jobs1) s" "$(ratio "$jobs1_ms" "$floor_ms")" "≤ 1.1×" "$(metr "$jobs1_ms" "$floor_ms" 1.1)"
row "cold \`sammatrix inspect\`, empty --cache-dir" cold "$cold_ms" "$(mb "$cold_rss")" "$(cpu cold) s" "$(ratio "$cold_ms" "$floor_ms")" "" ""
row "\`mutate.Extract\` flatten to io.Discard" extract "$extract_ms" "$(mb "$extract_rss")" "$(cpu extract) s" "$(ratio "$extract_ms" "$floor_ms")" "" ""
printf '| peak RSS of the cold inspect, largest of the rounds | | | %s | | | ≤ 150 MB | %s |\n' \
	"$(mb "$cold_rss_max")" "$(met "$(awk -v k="$cold_rss_max" 'BEGIN { print k * 1024 / 1e6 }')" 150)"
if ((${#zblobs[@]})); then
	zfloor_ms=$(median "$tmp/zfloor.wall")
	zeros_ms=$(median "$tmp/zeros.wall")
	zeros_rss_max=$(awk '$1 > m { m = $1 } END { print m }' "$tmp/zeros.res")
	row "(z) zeros image: bench/floor of its ${#zblobs[@]} blobs" zfloor "$zfloor_ms" "–" "$(cpu zfloor) s" "1.00× (z)" "baseline" ""
	row "zeros image: cold \`sammatrix inspect --no-cache\`" zeros "$zeros_ms" "$(mb "$(median "$tmp/zeros.res" 1)")" "$(cpu zeros) s" "$(ratio "$zeros_ms" "$zfloor_ms") (z)" "≤ 1.2× (z)" "$(metr "$zeros_ms" "$zfloor_ms" 1.2)"
	printf '| peak RSS of the zeros inspect, largest of the rounds | | | %s | | | ≤ 100 MB | %s |\n' \
		"$(mb "$zeros_rss_max")" "$(met "$(awk -v k="$zeros_rss_max" 'BEGIN { print k * 1024 / 1e6 }')" 100)"
fi
row "warm inspect, the synthetic image" warm "$warm_ms" "" "" "" "≤ 50 ms" "$(met "$warm_ms" 50)"
row "warm inspect, one demo image" warmone "$warmone_ms" "" "" "" "≤ 50 ms" "$(met "$warmone_ms" 50)"
row "warm inspect, the ${#demo_refs[@]} demo images at once" warmdemo "$warmdemo_ms" "" "" "" "≤ 200 ms" "$(met "$warmdemo_ms" 200)"
row "warm validate, the demo matrix ($demo_pairs pairs)" vdemo "$vdemo_ms" "" "" "" "≤ 50 ms" "$(met "$vdemo_ms" 50)"
if [[ -n ${host:-} ]]; then
	vreg_ms=$(median "$tmp/vreg.wall")
	regfloor_ms=$(median "$tmp/regfloor.wall")
	row "(r) registry floor: bench/regfloor, a ping and the ${#reg_refs[@]} manifests at once, nothing else" regfloor "$regfloor_ms" "" "" "1.00× (r)" "baseline" ""
	row "start-up: \`sammatrix version\`" startup "$(median "$tmp/startup.wall")" "" "" "" "" ""
	row "warm validate, $reg_pairs pairs over $reg_images images from docker-registry on loopback" vreg "$vreg_ms" "" "" "$(ratio "$vreg_ms" "$regfloor_ms") (r)" "≤ 50 ms" "$(met "$vreg_ms" 50)"
elif [[ -n $registry_skip ]]; then
	echo "| warm validate, 17 pairs over 11 images from docker-registry on loopback | | | | | | ≤ 50 ms | skipped: $registry_skip |"
fi
