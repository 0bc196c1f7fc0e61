#!/usr/bin/env bash
# bench/compare.sh: Loopwire's server against reference WebSocket servers, in one run, on one machine.
#
# Builds, then in R interleaved rounds (each server once per round, the order rotated so machine drift
# cancels) starts each server pinned to one core (taskset -c $SERVER_CPU) and loads it from another
# (taskset -c $CLIENT_CPU) with `./loopwire bench` (WebSocket) or wrk (HTTP):
#   A  100 connections, 32 B messages, 1 in flight each            messages/s, p99, server CPU
#   B  100 connections, 32 B messages, 16 in flight each           messages/s, p99, server CPU
#   C  10 connections, 64 KiB messages, 4 in flight each           messages/s, MB/s, p99, server CPU
# (server CPU is sampled from /proc over the measured seconds; "per server CPU-second" divides the rate
# by it, which stays meaningful when other work on a shared machine takes part of the server's core)
#   D  $IDLE idle connections (a fresh server)                      server RSS per connection
#   E  HTTP/1.1 keep-alive, wrk -c 50, a 480-byte response         requests/s, p99, server CPU
# and prints a table of each figure (its rounds combined by --stat) with its ratio to Netty NIO measured in the same run; the
# table also goes to bench/results/latest.md, the raw per-round figures to bench/results/latest-raw.tsv.
#
# Servers: loopwire-nio (`loopwire serve --loop nio`), loopwire-netty-epoll (the same server on the
# netty-epoll loop plugin; loopwire-netty-nio and loopwire-netty-io_uring work too), netty-nio and netty-epoll (Netty 4.2,
# WebSocketServerProtocolHandler), java-websocket (Java-WebSocket 1.6.0), node-ws (npm ws, only if
# interop/node_modules/ws exists: `(cd interop && npm ci)`). E: Loopwire serves /favicon.svg (480 B,
# the smallest file of the demo page), Netty serves the same size at /small; the others serve no plain
# HTTP and show n/a.
#
# Each server gets --server-warmup seconds of echo load, not measured, right after it starts: on one core
# the JIT compiles on the core that serves, and Netty needs about 4 s of a quiet core (much more on a
# busy one) to reach its steady state. Each scenario then has its own --warmup seconds (E: 3 more, for the
# HTTP path) before the --duration that counts.
#
# Usage: bench/compare.sh [--rounds N] [--warmup S] [--duration S] [--server-warmup S] [--idle N]
#                         [--servers "a b"] [--scenarios "A B C D E"] [--stat best|median|mean]
#                         [--generator raw|session] [--no-build]
#
# --generator: raw (the default) loads A, B and C with `bench --raw`: pre-masked frames written straight
# to the transport, echo payloads skipped unread, so the generator's core costs far less than the
# server's and the server is what limits the rate. session uses bench's normal WebSocket client (all
# runs recorded before --raw existed), which in C cost about as much as the servers it loaded.
#
# --stat: how the rounds of one figure combine. best (the default) takes each server's best round (highest
# rate, lowest latency and memory): on a shared machine other work only ever slows a run down, so the best
# round is the closest to what the code can do. median and mean suit a quiet machine and more rounds.
# --from RAW.tsv: no run, only the table from an earlier run's raw figures (e.g. with another --stat).
# Environment: SERVER_CPU (0), CLIENT_CPU (1), SERVER_JAVA_OPTS, CLIENT_JAVA_OPTS, MVN_ARGS (e.g. -o).
#
# Only processes this script started are stopped (by PID, also on Ctrl-C). Every load is bounded in time.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rounds=2
warmup=3
duration=5
idle=10000
hold=2
server_warmup=15
servers="loopwire-nio loopwire-netty-epoll netty-nio netty-epoll java-websocket node-ws"
scenarios="A B C D E"
build=1
stat=best
from=""
generator=raw
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --server-warmup) server_warmup="$2"; shift 2 ;;
    --servers) servers="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --stat) stat="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --generator) generator="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,44p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$generator" in
  raw) echo_flags="--raw" ;;
  session) echo_flags="" ;;
  *) echo "compare.sh: --generator is raw or session, not $generator" >&2; exit 2 ;;
esac
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
# The same heap and direct-memory caps for every Java server, so memory figures compare like with like.
server_java_opts="${SERVER_JAVA_OPTS:--Xmx1g -XX:MaxDirectMemorySize=1g}"
client_java_opts="${CLIENT_JAVA_OPTS:--Xmx2g}"
cli_jar="$root/cli/target/loopwire-cli.jar"
bench_jar="$root/bench/target/benchmarks.jar"
results="$root/bench/results"
work="$(mktemp -d "${TMPDIR:-/tmp}/loopwire-compare.XXXXXX")"
raw="$work/raw.tsv"
: >"$raw"

for tool in java taskset awk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare.sh: $tool is required" >&2; exit 1; }
done
case "$stat" in best|median|mean) ;; *) echo "compare.sh: --stat must be best, median or mean" >&2; exit 2 ;; esac
case " $scenarios " in
  *" E "*) command -v wrk >/dev/null 2>&1 \
    || { echo "compare.sh: scenario E needs wrk (Debian: apt-get install -y wrk), or drop E with --scenarios" >&2; exit 1; } ;;
esac
if [ "$(nproc)" -lt 2 ] && [ "$server_cpu" != "$client_cpu" ]; then
  echo "compare.sh: needs 2 CPUs to pin server and client apart (set SERVER_CPU=CLIENT_CPU=0 to share one)" >&2
  exit 1
fi
# D opens $idle sockets in each process: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((idle + 1000)) ]; then
  echo "compare.sh: open-file limit $(ulimit -n) is too low for --idle $idle; lowering --idle" >&2
  idle=$(( $(ulimit -n) - 1000 ))
fi

# ---- processes we started, stopped by PID only

pids=()
cleanup() {
  local p
  for p in "${pids[@]+"${pids[@]}"}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]+"${pids[@]}"}"; do
    wait "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'echo "compare.sh: interrupted" >&2; exit 130' INT TERM

forget_pid() {
  local keep=() p
  for p in "${pids[@]+"${pids[@]}"}"; do
    [ "$p" = "$1" ] || keep+=("$p")
  done
  pids=("${keep[@]+"${keep[@]}"}")
}

stop_pid() {
  local p="$1" i
  kill "$p" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  forget_pid "$p"
}

# wait_line FILE REGEX SECONDS: waits until a line of FILE matches (extended regex); fails on timeout.
wait_line() {
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# cpu_ticks PID: user+system clock ticks of a process so far.
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
clk_tck="$(getconf CLK_TCK)"
now_ms() { date +%s%3N; }
# cpu_pct TICKS MILLIS: CPU use over a wall-clock interval, in percent of one core.
cpu_pct() { awk -v c="$1" -v hz="$clk_tck" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0) ? 100 * c / hz / (ms / 1000) : 0 }'; }

# per_cpu RATE CPU_PCT: work per second of server CPU (robust to other load on a shared machine).
per_cpu() { awk -v r="$1" -v c="$2" 'BEGIN { printf "%.0f", (c > 0) ? r * 100 / c : 0 }'; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# ---- servers

server_pid=""
server_port=""
# start_server NAME: starts it pinned to $server_cpu; sets server_pid and server_port.
start_server() {
  local name="$1" log="$work/server-$1.log" pattern
  : >"$log"
  case "$name" in
    loopwire-nio|loopwire-netty-nio|loopwire-netty-epoll|loopwire-netty-io_uring)
      # shellcheck disable=SC2086
      taskset -c "$server_cpu" java $server_java_opts -jar "$cli_jar" serve --port 0 --loop "${name#loopwire-}" \
        >"$log" 2>&1 &
      pattern='serving on http://[^ ]*:[0-9]+/' ;;
    netty-nio|netty-epoll)
      # shellcheck disable=SC2086
      taskset -c "$server_cpu" java $server_java_opts -cp "$bench_jar" io.loopwire.bench.peer.NettyEchoServer \
        --port 0 --transport "${name#netty-}" >"$log" 2>&1 &
      pattern='^LISTENING [0-9]+' ;;
    java-websocket)
      # shellcheck disable=SC2086
      taskset -c "$server_cpu" java $server_java_opts -cp "$bench_jar" io.loopwire.bench.peer.JavaWebSocketEchoServer \
        --port 0 >"$log" 2>&1 &
      pattern='^LISTENING [0-9]+' ;;
    node-ws)
      taskset -c "$server_cpu" node "$root/interop/node/ws-echo-server.js" 0 --no-stdin --max-payload 16777216 \
        >"$log" 2>&1 &
      pattern='^LISTENING [0-9]+' ;;
    *) echo "compare.sh: unknown server $name" >&2; return 1 ;;
  esac
  server_pid=$!
  pids+=("$server_pid")
  if ! wait_line "$log" "$pattern" 30; then
    echo "compare.sh: $name did not start within 30 s; its log:" >&2
    cat "$log" >&2
    stop_pid "$server_pid"
    return 1
  fi
  server_port="$(grep -Eo "$pattern" "$log" | head -1 | grep -Eo '[0-9]+/?$' | tr -d /)"
}

small_path() {
  case "$1" in
    loopwire-*) echo /favicon.svg ;;
    netty-*) echo /small ;;
    *) echo "" ;;
  esac
}

# record ROUND SERVER SCENARIO METRIC VALUE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$raw"; }

kv() { grep '^RESULT' "$1" | tail -1 | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

# ---- scenarios

# echo_scenario ROUND SERVER SCENARIO CONNS DEPTH SIZE
echo_scenario() {
  local round="$1" name="$2" sc="$3" log="$work/r$1-$2-$3.log" bpid t0 c0 t1 c1 cpu
  # shellcheck disable=SC2086
  taskset -c "$client_cpu" java $client_java_opts -jar "$cli_jar" bench "ws://127.0.0.1:$server_port/" $echo_flags \
    -c "$4" -d "$5" -s "$6" -w "$warmup" -t "$duration" >"$log" 2>&1 &
  bpid=$!
  pids+=("$bpid")
  # Server CPU is sampled over the measured seconds only, from the bench's own progress lines.
  if [ "$warmup" -gt 0 ]; then
    wait_line "$log" "^ *${warmup}s warmup" $((warmup + 90))
  else
    wait_line "$log" '^  connected:' 90
  fi
  t0=$(now_ms); c0=$(cpu_ticks "$server_pid")
  wait_line "$log" "^ *$((warmup + duration))s run" $((duration + 30))
  t1=$(now_ms); c1=$(cpu_ticks "$server_pid")
  # The bench ends by itself (every phase has a deadline); the timeout is only a backstop.
  local waited=0
  while kill -0 "$bpid" 2>/dev/null && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  stop_pid "$bpid"
  cpu=$(cpu_pct $((c1 - c0)) $((t1 - t0)))
  if ! grep -q '^RESULT' "$log"; then
    echo "  $name $sc: no result; bench log:" >&2
    tail -5 "$log" >&2
    record "$round" "$name" "$sc" errors 1
    return
  fi
  record "$round" "$name" "$sc" msgs_s "$(kv "$log" msgs_per_s)"
  record "$round" "$name" "$sc" mb_s "$(kv "$log" mb_per_s)"
  record "$round" "$name" "$sc" p50_us "$(kv "$log" p50_us)"
  record "$round" "$name" "$sc" p99_us "$(kv "$log" p99_us)"
  record "$round" "$name" "$sc" cpu_pct "$cpu"
  record "$round" "$name" "$sc" per_cpu_s "$(per_cpu "$(kv "$log" msgs_per_s)" "$cpu")"
  record "$round" "$name" "$sc" errors "$(kv "$log" errors)"
  printf '  %-15s %s  %10s msg/s  %8s MB/s  p99 %8s us  server cpu %3s%%  errors %s\n' "$name" "$sc" \
    "$(kv "$log" msgs_per_s)" "$(kv "$log" mb_per_s)" "$(kv "$log" p99_us)" "$cpu" "$(kv "$log" errors)"
}

# wrk_scenario ROUND SERVER: HTTP keep-alive on the server's small response.
wrk_scenario() {
  local round="$1" name="$2" path log="$work/r$1-$2-E.log" t0 c0 t1 c1 cpu rps p99
  path="$(small_path "$name")"
  if [ -z "$path" ]; then
    return
  fi
  # The server warm-up exercised WebSocket only: give the HTTP path a few more seconds.
  taskset -c "$client_cpu" wrk -t1 -c50 -d"$((warmup + 3))s" "http://127.0.0.1:$server_port$path" >/dev/null 2>&1
  t0=$(now_ms); c0=$(cpu_ticks "$server_pid")
  taskset -c "$client_cpu" wrk -t1 -c50 -d"${duration}s" --latency "http://127.0.0.1:$server_port$path" >"$log" 2>&1
  t1=$(now_ms); c1=$(cpu_ticks "$server_pid")
  cpu=$(cpu_pct $((c1 - c0)) $((t1 - t0)))
  rps="$(awk '/^Requests\/sec:/ { print $2 }' "$log")"
  # wrk prints "99%  1.23ms" (us, ms or s) under "Latency Distribution".
  p99="$(awk '$1 == "99%" { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u);
    m = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : 0; printf "%.1f", v * m }' "$log")"
  local errs
  errs="$(awk '/Non-2xx|Socket errors/ { n++ } END { print n + 0 }' "$log")"
  if [ -z "$rps" ]; then
    echo "  $name E: no result; wrk log:" >&2
    cat "$log" >&2
    record "$round" "$name" E errors 1
    return
  fi
  record "$round" "$name" E req_s "$rps"
  record "$round" "$name" E p99_us "$p99"
  record "$round" "$name" E cpu_pct "$cpu"
  record "$round" "$name" E per_cpu_s "$(per_cpu "$rps" "$cpu")"
  record "$round" "$name" E errors "$errs"
  printf '  %-15s E  %10s req/s  p99 %8s us  server cpu %3s%%  %s\n' "$name" "$rps" "$p99" "$cpu" \
    "$([ "$errs" = 0 ] && echo "" || grep -E 'Non-2xx|Socket errors' "$log" | tr '\n' ' ')"
}

# gc PID: a full GC in a Java server, so RSS shows what connections keep rather than garbage.
gc() {
  if [ "$1" != node-ws ] && command -v jcmd >/dev/null 2>&1; then
    jcmd "$2" GC.run >/dev/null 2>&1 || true
  fi
  sleep 1
}

# idle_scenario ROUND SERVER: on a fresh server, RSS before and with $idle idle connections.
idle_scenario() {
  local round="$1" name="$2" log="$work/r$1-$2-D.log" before after opened stayed bpid
  # Warm up once (classes, JIT, pools) with a few short runs, then measure from there.
  # shellcheck disable=SC2086
  taskset -c "$client_cpu" java $client_java_opts -jar "$cli_jar" bench "ws://127.0.0.1:$server_port/" \
    -m hold -c 200 -t 1 >/dev/null 2>&1
  gc "$name" "$server_pid"
  before="$(rss_kb "$server_pid")"
  # shellcheck disable=SC2086
  taskset -c "$client_cpu" java $client_java_opts -jar "$cli_jar" bench "ws://127.0.0.1:$server_port/" \
    -m hold -c "$idle" -t "$hold" --ramp-timeout 120 >"$log" 2>&1 &
  bpid=$!
  pids+=("$bpid")
  if ! wait_line "$log" '^HOLDING' 150; then
    echo "  $name D: the connections did not open; bench log:" >&2
    tail -5 "$log" >&2
    stop_pid "$bpid"
    record "$round" "$name" D errors 1
    return
  fi
  gc "$name" "$server_pid"
  after="$(rss_kb "$server_pid")"
  local waited=0
  while kill -0 "$bpid" 2>/dev/null && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  stop_pid "$bpid"
  opened="$(kv "$log" opened)"
  stayed="$(kv "$log" stayed)"
  if [ -z "$opened" ] || [ "$opened" = 0 ]; then
    record "$round" "$name" D errors 1
    return
  fi
  local per
  per=$(awk -v a="$after" -v b="$before" -v n="$opened" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')
  record "$round" "$name" D bytes_per_conn "$per"
  record "$round" "$name" D opened "$opened"
  record "$round" "$name" D stayed "${stayed:-0}"
  record "$round" "$name" D rss_before_kb "$before"
  record "$round" "$name" D rss_after_kb "$after"
  record "$round" "$name" D errors "$(kv "$log" errors)"
  printf '  %-15s D  %6s of %s open, %s stayed; RSS %s -> %s kB: %s bytes per connection\n' "$name" \
    "$opened" "$idle" "$stayed" "$before" "$after" "$per"
}

# ---- build and run

if [ -z "$from" ]; then
  if [ "$build" = 1 ]; then
    echo "compare.sh: building (./mvnw -pl core,cli,bench package -DskipTests)..." >&2
    # shellcheck disable=SC2086
    if ! ./mvnw -q -B ${MVN_ARGS:-} -pl core,cli,bench package -DskipTests >"$work/build.log" 2>&1; then
      cat "$work/build.log" >&2
      echo "compare.sh: the build failed" >&2
      exit 1
    fi
    touch "$cli_jar" # the ./loopwire launcher then sees a fresh jar
  fi
  [ -f "$cli_jar" ] && [ -f "$bench_jar" ] || { echo "compare.sh: missing $cli_jar or $bench_jar (drop --no-build)" >&2; exit 1; }

  list=()
  for s in $servers; do
    if [ "$s" = node-ws ]; then
      if [ ! -d "$root/interop/node_modules/ws" ] || ! command -v node >/dev/null 2>&1; then
        echo "compare.sh: skipping node-ws (needs node and interop/node_modules/ws: (cd interop && npm ci))" >&2
        continue
      fi
    fi
    list+=("$s")
  done
  case " ${list[*]} " in
    *" netty-nio "*) ;;
    *) echo "compare.sh: netty-nio must be among the servers: every ratio is to it" >&2; exit 2 ;;
  esac

  started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
  start_s=$SECONDS
  echo "compare.sh: ${#list[@]} servers x $rounds rounds; scenarios $scenarios; warm-up ${warmup} s, runs ${duration} s;" \
    "server on CPU $server_cpu, load on CPU $client_cpu; work files in $work" >&2
  n=${#list[@]}
  for round in $(seq 1 "$rounds"); do
    echo "round $round/$rounds" >&2
    for k in $(seq 0 $((n - 1))); do
      name="${list[$(( (k + round - 1) % n ))]}"
      ws_scenarios=""
      for sc in $scenarios; do
        case "$sc" in A|B|C|E) ws_scenarios="$ws_scenarios $sc" ;; esac
      done
      if [ -n "$ws_scenarios" ]; then
        if start_server "$name"; then
          if [ "$server_warmup" -gt 0 ]; then
            # Small messages for two thirds of the time, 64 KiB ones for the rest: every echo path compiled.
            # shellcheck disable=SC2086
            taskset -c "$client_cpu" java $client_java_opts -jar "$cli_jar" bench "ws://127.0.0.1:$server_port/" $echo_flags \
              -c 50 -d 8 -s 32 -w 0 -t $(( (server_warmup * 2 + 2) / 3 )) >"$work/r$round-$name-warmup.log" 2>&1
            if [ "$server_warmup" -ge 3 ]; then
              # shellcheck disable=SC2086
              taskset -c "$client_cpu" java $client_java_opts -jar "$cli_jar" bench "ws://127.0.0.1:$server_port/" $echo_flags \
                -c 10 -d 4 -s 65536 -w 0 -t $(( server_warmup / 3 )) >>"$work/r$round-$name-warmup.log" 2>&1
            fi
          fi
          for sc in $ws_scenarios; do
            case "$sc" in
              A) echo_scenario "$round" "$name" A 100 1 32 ;;
              B) echo_scenario "$round" "$name" B 100 16 32 ;;
              C) echo_scenario "$round" "$name" C 10 4 65536 ;;
              E) wrk_scenario "$round" "$name" ;;
            esac
          done
          stop_pid "$server_pid"
        else
          record "$round" "$name" start errors 1
        fi
      fi
      case " $scenarios " in
        *" D "*)
          if start_server "$name"; then
            idle_scenario "$round" "$name"
            stop_pid "$server_pid"
          else
            record "$round" "$name" start errors 1
          fi ;;
      esac
    done
  done
  elapsed=$((SECONDS - start_s))
else
  # Only the table, from the raw figures of an earlier run.
  [ -f "$from" ] || { echo "compare.sh: no such file $from" >&2; exit 1; }
  cp "$from" "$raw"
  list=()
  for s in $servers; do
    if awk -F'\t' -v s="$s" '$2 == s { found = 1 } END { exit !found }' "$raw"; then list+=("$s"); fi
  done
  rounds="$(awk -F'\t' '$1 > r { r = $1 } END { print r + 0 }' "$raw")"
  started_at="$(date -u -r "$from" '+%Y-%m-%d %H:%M UTC') (file time)"
  elapsed=0
fi

# ---- the table: means over rounds, each with its ratio to netty-nio

mkdir -p "$results"
cp "$raw" "$results/latest-raw.tsv"
table="$work/table.md"
awk -F'\t' -v servers="${list[*]}" -v stat="$stat" '
  { key = $3 SUBSEP $4 SUBSEP $2; sum[key] += $5; cnt[key]++; val[key, cnt[key]] = $5 }
  # combine(key, m): the rounds of one figure, by --stat; "best" is the highest or lowest by the metric.
  function combine(key, m,    n, i, j, t, a, lower) {
    n = cnt[key]
    if (stat == "mean" || m == "cpu_pct" || m == "errors") return sum[key] / n
    for (i = 1; i <= n; i++) a[i] = val[key, i] + 0
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    if (stat == "median") return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    lower = (m == "p99_us" || m == "p50_us" || m == "bytes_per_conn")
    return lower ? a[1] : a[n]
  }
  END {
    ns = split(servers, s, " ")
    rows = "A msgs_s|A p99_us|A cpu_pct|A per_cpu_s|B msgs_s|B p99_us|B cpu_pct|B per_cpu_s|C msgs_s|C mb_s|C p99_us|C cpu_pct|C per_cpu_s|D bytes_per_conn|D stayed|E req_s|E p99_us|E cpu_pct|E per_cpu_s"
    label["msgs_s"] = "messages/s"; label["p99_us"] = "p99 latency (us)"; label["cpu_pct"] = "server CPU (%)"
    label["mb_s"] = "MB/s"; label["bytes_per_conn"] = "RSS per idle connection (bytes)"
    label["stayed"] = "connections held"; label["req_s"] = "requests/s"
    label["per_cpu_s"] = "per server CPU-second"; better["per_cpu_s"] = "higher"
    better["msgs_s"] = "higher"; better["mb_s"] = "higher"; better["req_s"] = "higher"; better["stayed"] = "higher"
    better["p99_us"] = "lower"; better["bytes_per_conn"] = "lower"; better["cpu_pct"] = "-"
    head = "| scenario | figure (better) |"; sep = "|---|---|"
    for (i = 1; i <= ns; i++) { head = head " " s[i] " |"; sep = sep "---:|" }
    print head; print sep
    nr = split(rows, r, "|")
    for (j = 1; j <= nr; j++) {
      split(r[j], p, " "); sc = p[1]; m = p[2]
      line = "| " sc " | " label[m] " (" better[m] ") |"; any = 0
      bkey = sc SUBSEP m SUBSEP "netty-nio"
      base = (bkey in cnt) ? combine(bkey, m) : 0
      for (i = 1; i <= ns; i++) {
        key = sc SUBSEP m SUBSEP s[i]
        if (key in cnt) {
          v = combine(key, m); any = 1
          cell = (v >= 100 || m == "cpu_pct") ? sprintf("%.0f", v) : sprintf("%.1f", v)
          if (m != "cpu_pct" && base > 0) cell = cell sprintf(" (%.2fx)", v / base)
          line = line " " cell " |"
        } else {
          line = line " n/a |"
        }
      }
      if (any) print line
    }
    line = "| all | errors (sum over rounds) |"
    for (i = 1; i <= ns; i++) {
      e = 0
      for (key in sum) { split(key, q, SUBSEP); if (q[2] == "errors" && q[3] == s[i]) e += sum[key] }
      line = line " " e " |"
    }
    print line
  }' "$raw" >"$table"

cmd="bench/compare.sh --stat $stat --rounds $rounds --warmup $warmup --duration $duration --server-warmup $server_warmup --idle $idle --generator $generator --scenarios \"$scenarios\""
{
  echo "# Loopwire comparison: latest run"
  echo
  echo "- date: $started_at ($((elapsed / 60)) min $((elapsed % 60)) s)"
  echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- JDK: $(java -version 2>&1 | head -1); node: $(node --version 2>/dev/null || echo none); wrk: $(wrk --version 2>&1 | head -1 | awk '{ print $2 }')"
  echo "- command: \`$cmd\`"
  echo "- servers pinned to CPU $server_cpu, load generator (\`loopwire bench $echo_flags\`, wrk -t1 -c50) on CPU $client_cpu;" \
    "Java servers run with \`$server_java_opts\`; $rounds interleaved rounds, each figure is the $stat" \
    "of its rounds (server CPU: the mean), (ratio) is to netty-nio in the same run"
  echo
  cat "$table"
} >"$results/latest.md"
echo
cat "$results/latest.md"
echo
echo "compare.sh: written to bench/results/latest.md (raw figures: bench/results/latest-raw.tsv)" >&2
