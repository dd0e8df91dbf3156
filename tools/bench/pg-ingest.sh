#!/usr/bin/env bash
# Durable ingest on PostgreSQL, as in docs/benchmarks.md ("PostgreSQL ingest"): a throw-away
# PostgreSQL server (initdb in a temporary directory, loopback only, shared_buffers = 512MB,
# fsync and synchronous_commit on), one `notifyd --roles ingress` with the benchmark
# configuration, then two notify-bench runs against it: "cold" (a fresh daemon) and "warm"
# (the same daemon, its session warm, the first run's rows still stored).
#   tools/bench/pg-ingest.sh [--huge-pages] [--count N]
# --huge-pages starts PostgreSQL with huge_pages = on; it sets vm.nr_hugepages when it is too
# low (needs root). Everything started is stopped on exit. Build first (tools/dev.sh build); the
# build dir is NOTIFY_BUILD_DIR or ./build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${NOTIFY_BUILD_DIR:-$here/build}"
count=300000
huge=off
while [ $# -gt 0 ]; do
  case "$1" in
    --huge-pages) huge=on ;;
    --count) count="$2"; shift ;;
    *) echo "usage: $0 [--huge-pages] [--count N]" >&2; exit 64 ;;
  esac
  shift
done

pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 69; }
for tool in notifyd notify-bench; do
  [ -x "$build/bin/$tool" ] || { echo "$build/bin/$tool is missing: run tools/dev.sh build" >&2; exit 69; }
done

work="$(mktemp -d /tmp/notify-pg-ingest.XXXXXX)"
port=55433
endpoint="tcp://127.0.0.1:5569"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
daemon=""
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$huge" = on ]; then
  need=300  # 2 MB pages: 512 MB of shared buffers and the rest of shared memory
  if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt "$need" ]; then
    echo "$need" > /proc/sys/vm/nr_hugepages || { echo "cannot set vm.nr_hugepages (root?)" >&2; exit 77; }
  fi
fi

"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -o \
  "-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c huge_pages=$huge" \
  start >/dev/null
"$pgbin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE notify"

# The checked-in benchmark configuration with absolute paths and this server as its store.
conf="$work/notifyd.toml"
sed -e "s|^listen = .*|listen = \"$endpoint\"|" \
    -e "s|^path = \"/tmp/notify-bench/notify.db\".*|kind = \"postgres\"\nurl = \"postgresql://postgres@127.0.0.1:$port/notify\"\npool_size = 8|" \
    -e "s|\"\.\./\.\./\.\./build/plugins\"|\"$build/plugins\"|" \
    -e "s|\"file:secrets/|\"file:$here/tools/bench/conf/secrets/|" \
    "$here/tools/bench/conf/notifyd-bench.toml" > "$conf"

"$build/bin/notifyd" migrate --config "$conf" >/dev/null
"$build/bin/notifyd" --config "$conf" --roles ingress > "$work/notifyd.log" 2>&1 &
daemon=$!
sleep 1.5

echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), huge_pages = $huge, $count messages per run"
for run in cold warm; do
  result="$(NOTIFY_APP=demo NOTIFY_TOKEN=demo-secret "$build/bin/notify-bench" \
    --endpoint "$endpoint" --to-kind user --clients 64 --window 64 --count "$count")"
  echo "$run: $(echo "$result" | grep -E '^throughput')"
  echo "$result" | grep -E '^ack latency' | sed 's/^/  /'
done
