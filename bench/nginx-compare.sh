#!/usr/bin/env bash
# Forwarding cost of zconnect next to nginx, on loopback, in one run.
#
# Drives one backend (bench-backend: bodies of 0, 1 and 64 KiB) three ways:
# straight, through nginx with a fixed Authorization header, and through
# zconnect with a cached OAuth token. Measures throughput with wrk, latency at
# a fixed rate of half of nginx's throughput with oha (which corrects for
# coordinated omission), CPU seconds per million requests and peak resident
# memory of each proxy. Prints a Markdown table.
#
# Usage: [THREADS=N] bench/nginx-compare.sh [SECONDS_PER_RUN]
#   SECONDS_PER_RUN defaults to 10 (about 20 runs); THREADS, the number of nginx
#   workers and of zconnect connection threads, defaults to the number of cores;
#   ZCONNECT_BINARY, the zconnect binary, defaults to the release build.
# Needs nginx and wrk (Debian packages) and oha (cargo install oha --locked);
# the script installs the ones that are missing.
set -euo pipefail

seconds=${1:-10}
connections=64
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

install_tools() {
    if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
        apt-get install -y -qq nginx-light wrk >/dev/null
    fi
    if ! command -v oha >/dev/null; then
        cargo install oha --locked --quiet
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1 after 10 s" >&2
    return 1
}

# CPU seconds (user + system) used so far by the given processes.
cpu_seconds() {
    local ticks=0
    for pid in "$@"; do
        ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    python3 -c "print($ticks / $(getconf CLK_TCK))"
}

# Peak resident memory in KiB, summed over the given processes.
peak_rss_kib() {
    local total=0
    for pid in "$@"; do
        total=$((total + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status")))
    done
    echo "$total"
}

# Requests per second that wrk reached against URL.
throughput() {
    wrk -t1 -c"$connections" -d"${seconds}s" "$1" | awk '/Requests\/sec/ {print $2}'
}

# p50 and p99 latency in ms at a fixed rate, corrected for coordinated omission.
latency() {
    oha -z "${seconds}s" -c "$connections" -q "$2" --latency-correction --no-tui \
        --output-format json "$1" |
        python3 -c 'import json,sys; p=json.load(sys.stdin)["latencyPercentiles"]; print(p["p50"]*1000, p["p99"]*1000)'
}

install_tools
cargo build --release --quiet -p zconnect-admin -p zconnect-bench --manifest-path "$root/Cargo.toml"

backend_port=$(free_port)
nginx_port=$(free_port)
zconnect_port=$(free_port)
# ZCONNECT_BINARY measures another build, such as one saved before a change.
zconnect_binary=${ZCONNECT_BINARY:-$root/target/release/zconnect}
# nginx workers and zconnect runtime threads; THREADS=1 compares one of each.
threads=${THREADS:-$(nproc)}

"$root/target/release/bench-backend" "$backend_port" &
pids+=($!)
wait_for_port "$backend_port"

sed -e "s|@WORKERS@|$threads|; s|@DIR@|$work|g; s|@BACKEND_PORT@|$backend_port|; s|@NGINX_PORT@|$nginx_port|" \
    "$root/bench/nginx.conf.template" >"$work/nginx.conf"
nginx -c "$work/nginx.conf" &
pids+=($!)
nginx_master=$!
wait_for_port "$nginx_port"
nginx_workers=$(pgrep -P "$nginx_master" | tr '\n' ' ')

mkdir -p "$work/zconnect"
sed -e "s|@ZCONNECT_PORT@|$zconnect_port|; s|@BACKEND_PORT@|$backend_port|g" \
    "$root/bench/server.xml.template" >"$work/zconnect/server.xml"
# RUST_LOG would override --log-level. --worker-threads gives zconnect as
# many connection threads as nginx has workers; builds older than that option
# ran one multi-threaded runtime, which TOKIO_WORKER_THREADS sizes.
thread_option=()
if "$zconnect_binary" run --help | grep -q -- --worker-threads; then
    thread_option=(--worker-threads "$threads")
fi
env -u RUST_LOG TOKIO_WORKER_THREADS="$threads" \
    "$zconnect_binary" run "$work/zconnect/server.xml" --log-level warn "${thread_option[@]}" &
pids+=($!)
zconnect_pid=$!
wait_for_port "$zconnect_port"

# Fill zconnect's token cache before measuring.
curl -fsS -o /dev/null "http://127.0.0.1:$zconnect_port/apiRequesters/bench/0k"

echo "Load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| body | direct req/s | nginx req/s | zconnect req/s | throughput zconnect/nginx | nginx p50/p99 ms | zconnect p50/p99 ms | p99 zconnect/nginx | CPU s per 1M req nginx / zconnect | CPU zconnect/nginx |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for size in 0k 1k 64k; do
    direct=$(throughput "http://127.0.0.1:$backend_port/$size")

    # shellcheck disable=SC2086 # the worker list is several pids
    cpu_before=$(cpu_seconds $nginx_master $nginx_workers)
    nginx_rps=$(throughput "http://127.0.0.1:$nginx_port/apiRequesters/bench/$size")
    cpu_after=$(cpu_seconds $nginx_master $nginx_workers)
    nginx_cpu=$(python3 -c "print(($cpu_after - $cpu_before) / ($nginx_rps * $seconds) * 1e6)")

    cpu_before=$(cpu_seconds "$zconnect_pid")
    zconnect_rps=$(throughput "http://127.0.0.1:$zconnect_port/apiRequesters/bench/$size")
    cpu_after=$(cpu_seconds "$zconnect_pid")
    zconnect_cpu=$(python3 -c "print(($cpu_after - $cpu_before) / ($zconnect_rps * $seconds) * 1e6)")

    rate=$(python3 -c "print(int($nginx_rps / 2))")
    read -r nginx_p50 nginx_p99 < <(latency "http://127.0.0.1:$nginx_port/apiRequesters/bench/$size" "$rate")
    read -r zconnect_p50 zconnect_p99 < <(latency "http://127.0.0.1:$zconnect_port/apiRequesters/bench/$size" "$rate")

    python3 - "$size" "$direct" "$nginx_rps" "$zconnect_rps" "$nginx_p50" "$nginx_p99" "$zconnect_p50" \
        "$zconnect_p99" "$nginx_cpu" "$zconnect_cpu" <<'PY'
import sys
size, direct, nginx_rps, zconnect_rps, nginx_p50, nginx_p99, zconnect_p50, zconnect_p99, nginx_cpu, zconnect_cpu = sys.argv[1:]
row = [float(v) for v in (direct, nginx_rps, zconnect_rps, nginx_p50, nginx_p99, zconnect_p50,
                          zconnect_p99, nginx_cpu, zconnect_cpu)]
d, nr, zr, n50, n99, z50, z99, nc, zc = row
print(f"| {size} | {d:.0f} | {nr:.0f} | {zr:.0f} | {zr/nr:.2f} | {n50:.2f} / {n99:.2f} "
      f"| {z50:.2f} / {z99:.2f} | {z99/n99:.2f} | {nc:.1f} / {zc:.1f} | {zc/nc:.2f} |")
PY
done

# shellcheck disable=SC2086
echo
echo "Peak resident memory: nginx $(peak_rss_kib $nginx_master $nginx_workers) KiB (master and $threads workers), zconnect $(peak_rss_kib "$zconnect_pid") KiB"
echo "Load after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "nginx workers and zconnect connection threads: $threads"
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u +%Y-%m-%d)"
