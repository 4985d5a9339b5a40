#!/usr/bin/env bash
# docker-registry.sh runs Debian's docker-registry (distribution 2.8) on a free
# loopback port, for tests that need a real registry.
#
#   docker-registry.sh start DIR   write DIR/config.yml (storage in DIR/data),
#                                  start the server in the background, wait
#                                  until GET /v2/ answers, print 127.0.0.1:PORT
#                                  and write the server's pid to DIR/pid
#   docker-registry.sh stop DIR    stop the server started with DIR
#
# The server logs to DIR/registry.log. Waits are bounded: start gives up
# after about 10 seconds. Set DOCKER_REGISTRY to use another binary.
set -euo pipefail

bin=${DOCKER_REGISTRY:-docker-registry}

die() {
	echo "docker-registry.sh: $*" >&2
	exit 1
}

# listening PORT: whether something accepts connections on 127.0.0.1:PORT.
listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# answers PORT: whether GET /v2/ on 127.0.0.1:PORT gets an HTTP 200.
answers() {
	local status
	status=$(timeout 2 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
		head -n 1 <&3' _ "$1" 2>/dev/null) || return 1
	[[ $status == "HTTP/1."?" 200"* ]]
}

start() {
	local dir=$1 try port pid i
	command -v "$bin" >/dev/null || die "$bin not found"
	mkdir -p "$dir/data"
	dir=$(cd "$dir" && pwd)
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 40000))
		listening "$port" && continue
		cat >"$dir/config.yml" <<-YAML
			version: 0.1
			log:
			  level: error
			  accesslog:
			    disabled: true
			storage:
			  filesystem:
			    rootdirectory: $dir/data
			  delete:
			    enabled: true
			http:
			  addr: 127.0.0.1:$port
		YAML
		# Detach from our stdout and stderr, or a caller reading them
		# would wait for the server to exit.
		"$bin" serve "$dir/config.yml" </dev/null >>"$dir/registry.log" 2>&1 &
		pid=$!
		echo "$pid" >"$dir/pid"
		for ((i = 0; i < 100; i++)); do
			if answers "$port"; then
				echo "127.0.0.1:$port"
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break # lost the port race: try another
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$dir/pid"
		[[ $i -lt 100 ]] || die "the server did not answer on 127.0.0.1:$port within 10 s (see $dir/registry.log)"
	done
	die "could not start the server (see $dir/registry.log)"
}

stop() {
	local dir=$1 pid i
	[[ -f $dir/pid ]] || return 0
	pid=$(<"$dir/pid")
	if kill "$pid" 2>/dev/null; then
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$dir/pid"
}

case ${1:-} in
start | stop)
	[[ $# -eq 2 ]] || die "usage: $0 start|stop DIR"
	"$1" "$2"
	;;
*) die "usage: $0 start|stop DIR" ;;
esac
