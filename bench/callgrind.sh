#!/usr/bin/env bash
# Instructions per forwarded call of zconnect, counted by callgrind.
#
# Starts bench-backend and zconnect under valgrind --tool=callgrind (the same
# server.xml as nginx-compare.sh), sends warm-up calls uninstrumented,
# then counts CALLS calls of 0 KiB and prints the instructions per call and
# the functions with the most inclusive instructions. Instruction counts do
# not depend on what else the machine is doing, so two builds can be compared
# on a busy machine.
#
# Usage: [CALLS=N] [ZCONNECT_BINARY=path] bench/callgrind.sh [OUTPUT_FILE]
#   CALLS defaults to 3000; OUTPUT_FILE (the callgrind profile) defaults to a
#   temporary file that is deleted. Needs valgrind and oha (the script installs
#   the ones that are missing).
set -euo pipefail

calls=${CALLS:-3000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v valgrind >/dev/null; then
    apt-get install -y -qq valgrind >/dev/null
fi
if ! command -v oha >/dev/null; then
    cargo install oha --locked --quiet
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1 after 30 s" >&2
    return 1
}

cargo build --release --quiet -p zconnect-admin -p zconnect-bench --manifest-path "$root/Cargo.toml"
zconnect_binary=${ZCONNECT_BINARY:-$root/target/release/zconnect}
profile=${1:-$work/callgrind.out}

backend_port=$(free_port)
zconnect_port=$(free_port)
"$root/target/release/bench-backend" "$backend_port" &
pids+=($!)
wait_for_port "$backend_port"

mkdir -p "$work/zconnect"
sed -e "s|@ZCONNECT_PORT@|$zconnect_port|; s|@BACKEND_PORT@|$backend_port|g" \
    "$root/bench/server.xml.template" >"$work/zconnect/server.xml"
thread_option=()
if "$zconnect_binary" run --help | grep -q -- --worker-threads; then
    thread_option=(--worker-threads 1)
fi
env -u RUST_LOG TOKIO_WORKER_THREADS=1 valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$profile" \
    "$zconnect_binary" run "$work/zconnect/server.xml" --log-level warn "${thread_option[@]}" \
    2>"$work/valgrind.log" &
zconnect_pid=$!
pids+=("$zconnect_pid")
wait_for_port "$zconnect_port"

url="http://127.0.0.1:$zconnect_port/apiRequesters/bench/0k"
oha -n 500 -c 16 --no-tui "$url" >/dev/null
callgrind_control -i on "$zconnect_pid" >/dev/null 2>&1
oha -n "$calls" -c 16 --no-tui "$url" >/dev/null
callgrind_control -i off "$zconnect_pid" >/dev/null 2>&1
kill -INT "$zconnect_pid"
wait "$zconnect_pid" 2>/dev/null || true

# Instrumentation was on only while the counted calls ran, so the profile
# written at exit contains just those.
dump=$profile
total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "instructions counted: $total over $calls calls"
echo "instructions per call: $((total / calls))"
echo
callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | sed -n '/Ir/,$p' | head -45 || true
