#!/usr/bin/env bash
# cold_run.sh SERVER [SECONDS] [JVM OPTION...]: the echo benchmark as a new user tries it, and where the CPU goes.
#
# Starts one echo server cold (no warm-up, not pinned: server and client share every core), runs the load client
# (1 KiB x 100 connections) for SECONDS (default 8) from the start, and prints the requests served, the GCs, and
# the server's CPU time per request by thread (loop or event-loop thread, JIT compiler threads, GC threads, the
# JMX registrar...), read from /proc: what else the JVM runs on the cores the client needs.
#
# SERVER: asyncio4j, asyncio4j-protocol, netty-epoll, netty-nio, vthreads (EchoServer) or uvloop-protocol.
# Needs bench/target/benchmarks.jar and bench/target/echo_client (both made by `./asyncio4j bench echo`).
# Example, interleaved A/B:  for r in 1 2; do for s in asyncio4j-protocol uvloop-protocol netty-epoll; do
#                              bench/echo/cold_run.sh $s; done; done
set -euo pipefail
BENCH="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
use_jdk
SERVER="${1:?usage: cold_run.sh SERVER [SECONDS] [JVM OPTION...]}"
SECS="${2:-8}"
shift $(( $# >= 2 ? 2 : 1 ))
JAR="$BENCH/target/benchmarks.jar" CLIENT="$BENCH/target/echo_client"
[[ -f "$JAR" && -x "$CLIENT" ]] || { echo "cold_run: run ./asyncio4j bench echo --quick once first (it builds $JAR and $CLIENT)" >&2; exit 1; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
case "$SERVER" in
  uvloop-protocol) cmd=(/usr/bin/python3 "$BENCH/python/twins/echo_server.py" protocol --uvloop) ;;
  asyncio4j|asyncio4j-protocol)
    cmd=("$JAVA_HOME/bin/java" "$FAST_FLAG" -Xmx1g --enable-native-access=ALL-UNNAMED "-Xlog:gc:file=$TMP/gc" "$@"
         -cp "$JAR" io.github.asyncio4j.bench.echo.EchoServer "$SERVER") ;;
  *) cmd=("$JAVA_HOME/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED "-Xlog:gc:file=$TMP/gc" "$@"
          -cp "$JAR" io.github.asyncio4j.bench.echo.EchoServer "$SERVER") ;;
esac
"${cmd[@]}" > "$TMP/port" 2> "$TMP/log" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [[ -s "$TMP/port" ]] && break; sleep 0.05; done
PORT="$(head -1 "$TMP/port")"
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "cold_run: $SERVER did not start; its output:" >&2; cat "$TMP/log" >&2; exit 1; }
# CPU ticks of every thread, summed by name with trailing digits dropped ("C2 CompilerThread0" -> "C2 CompilerThread")
ticks() {
  for t in /proc/"$PID"/task/*; do
    printf '%s\t%s\n' "$(tr ' ' '_' < "$t/comm" | sed 's/[0-9#]*$//')" "$(awk '{print $14 + $15}' "$t/stat")"
  done | awk -F'\t' '{a[$1] += $2} END {for (k in a) print k "\t" a[k]}' | sort
}
ticks > "$TMP/before"
"$CLIENT" 127.0.0.1 "$PORT" 100 1024 0 "$SECS" > "$TMP/client"
ticks > "$TMP/after"
REQ="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_requests"])' "$TMP/client")"
GCS="$(grep -c Pause "$TMP/gc" 2>/dev/null || true)"
printf '%-20s %s: %d requests in %s s, %s GCs; server CPU us/request by thread:' "$SERVER" "$*" "$REQ" "$SECS" "${GCS:-n/a}"
TCK="$(getconf CLK_TCK)"
join -t $'\t' -a2 -e0 -o 0,1.2,2.2 "$TMP/before" "$TMP/after" |
  awk -F'\t' -v req="$REQ" -v tck="$TCK" '{d = $3 - $2; if (d > 0) printf " %s=%.2f", $1, d * 1e6 / tck / req; all += d}
                                           END {printf " | all=%.2f\n", all * 1e6 / tck / req}'
