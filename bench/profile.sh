#!/usr/bin/env bash
# bench/profile.sh: one server under one compare.sh scenario, with Java Flight Recorder on the server.
#
# Starts SERVER pinned to CPU $SERVER_CPU (0) with JFR (settings=profile: execution samples every 10 ms,
# allocation samples), warms it up, loads it from CPU $CLIENT_CPU (1) with `loopwire bench` (A, B, C) or
# wrk (E), and prints the hottest methods (self time, and the loop-thread stacks that lead to them) and
# the top allocation sites (sampled bytes). The recording stays in bench/results/profile-SERVER-SC.jfr
# for `jfr print`/`jfr summary` or JDK Mission Control.
#
# Usage: bench/profile.sh [loopwire-nio|netty-nio|netty-epoll|java-websocket] [A|B|C|E] [SECONDS]
# Environment: GENERATOR=raw (default: `bench --raw`) or session, SERVER_CPU, CLIENT_CPU.
# Build first (bench/compare.sh builds; or ./mvnw -q -B -pl core,cli,bench package -DskipTests).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
name="${1:-loopwire-nio}"
sc="${2:-B}"
secs="${3:-10}"
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
cli_jar="$root/cli/target/loopwire-cli.jar"
bench_jar="$root/bench/target/benchmarks.jar"
mkdir -p "$root/bench/results"
jfr_file="$root/bench/results/profile-$name-$sc.jfr"
log="$(mktemp "${TMPDIR:-/tmp}/loopwire-profile.XXXXXX")"
warm=6
rm -f "$jfr_file"

# Recording starts after the warm-up and covers the measured load only.
# DebugNonSafepoints: without it, samples in inlined code are charged to the enclosing compiled method.
jfr_opt="-XX:StartFlightRecording=delay=$((warm + 2))s,duration=${secs}s,filename=$jfr_file,settings=profile"
dbg="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
case "$name" in
  loopwire-nio) cmd=(java -Xmx1g $dbg "$jfr_opt" -jar "$cli_jar" serve --port 0 --loop nio); path=/favicon.svg ;;
  netty-nio|netty-epoll) cmd=(java -Xmx1g $dbg "$jfr_opt" -cp "$bench_jar" io.loopwire.bench.peer.NettyEchoServer
      --port 0 --transport "${name#netty-}"); path=/small ;;
  java-websocket) cmd=(java -Xmx1g $dbg "$jfr_opt" -cp "$bench_jar" io.loopwire.bench.peer.JavaWebSocketEchoServer --port 0)
      path="" ;;
  *) echo "profile.sh: unknown server $name" >&2; exit 2 ;;
esac

taskset -c "$server_cpu" "${cmd[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 300); do
  grep -Eq 'LISTENING [0-9]+|serving on' "$log" && break
  sleep 0.1
done
port="$(grep -Eo 'LISTENING [0-9]+|127\.0\.0\.1:[0-9]+/' "$log" | head -1 | grep -Eo '[0-9]+/?$' | tr -d /)"
[ -n "$port" ] || { echo "profile.sh: $name did not start:" >&2; cat "$log" >&2; exit 1; }
# GENERATOR=session loads with bench's normal client instead of --raw (see compare.sh --generator).
raw_flag="--raw"
[ "${GENERATOR:-raw}" = session ] && raw_flag=""
bench=(taskset -c "$client_cpu" java -jar "$cli_jar" bench "ws://127.0.0.1:$port/" $raw_flag)
"${bench[@]}" -c 50 -d 8 -w 0 -t "$warm" >/dev/null 2>&1
echo "profile.sh: $name scenario $sc for $((secs + 2)) s (JFR records the last $secs s)" >&2
case "$sc" in
  A) "${bench[@]}" -c 100 -d 1 -s 32 -w 0 -t $((secs + 2)) | tail -4 ;;
  B) "${bench[@]}" -c 100 -d 16 -s 32 -w 0 -t $((secs + 2)) | tail -4 ;;
  C) "${bench[@]}" -c 10 -d 4 -s 65536 -w 0 -t $((secs + 2)) | tail -4 ;;
  E) [ -n "$path" ] || { echo "profile.sh: $name serves no HTTP" >&2; exit 2; }
     taskset -c "$client_cpu" wrk -t1 -c50 -d$((secs + 2))s "http://127.0.0.1:$port$path" | grep -E 'Requests/sec|Latency' ;;
  *) echo "profile.sh: unknown scenario $sc" >&2; exit 2 ;;
esac
for _ in $(seq 1 100); do
  [ -s "$jfr_file" ] && break
  sleep 0.1
done
sleep 1

# Self time: the top frame of each execution sample on any thread.
echo
echo "== hottest methods (self, % of execution samples)"
jfr print --events jdk.ExecutionSample --stack-depth 1 "$jfr_file" | awk '
  /stackTrace = \[/ { grab = 1; next }
  grab { sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*$/, ""); n[$0]++; total++; grab = 0 }
  END { for (k in n) printf "%6.1f%%  %s\n", 100 * n[k] / total, k; }' | sort -rn | head -25

# Where the threads are when not running Java: syscalls (read, writev, epoll) versus waiting.
echo
echo "== native samples (thread, top frame; epoll wait = idle)"
jfr print --events jdk.NativeMethodSample --stack-depth 1 "$jfr_file" | awk '
  /sampledThread = / { t = $3 }
  /stackTrace = \[/ { grab = 1; next }
  grab { sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*$/, ""); n[t "  " $0]++; total++; grab = 0 }
  END { for (k in n) printf "%6.1f%%  %s\n", 100 * n[k] / total, k; }' | sort -rn | head -8

# Stacks: the top 6 frames, to see who calls the hot methods.
echo
echo "== hottest stacks (top 6 frames)"
jfr print --events jdk.ExecutionSample --stack-depth 6 "$jfr_file" | awk '
  /stackTrace = \[/ { grab = 1; s = ""; next }
  grab && /^[ \t]*\]/ { n[s]++; total++; grab = 0; next }
  grab && !/\.\.\./ { line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+line:.*$/, "", line); s = s (s == "" ? "" : " <- ") line }
  END { for (k in n) printf "%6.1f%%  %s\n", 100 * n[k] / total, k; }' | sort -rn | head -15

# Allocation: sampled bytes by class and the top 3 frames that allocated them.
echo
echo "== top allocation sites (% of sampled bytes)"
jfr print --events jdk.ObjectAllocationSample --stack-depth 3 "$jfr_file" | awk '
  function bytes(v, u) { return u == "bytes" ? v : u == "kB" ? v * 1024 : u == "MB" ? v * 1048576 : u == "GB" ? v * 1073741824 : v }
  /objectClass = / { cls = $3 }
  /weight = / { w = bytes($3 + 0, $4) }
  /stackTrace = \[/ { grab = 1; s = ""; next }
  grab && /^[ \t]*\]/ { n[cls "  <- " s] += w; total += w; grab = 0; next }
  grab && !/\.\.\./ { line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+line:.*$/, "", line); s = s (s == "" ? "" : " <- ") line }
  END { for (k in n) printf "%6.1f%%  %s\n", 100 * n[k] / total, k; printf "%6.1f MB sampled in total\n", total / 1048576 }' \
  | sort -rn | head -16
echo
echo "profile.sh: recording in $jfr_file" >&2
