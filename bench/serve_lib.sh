# Sourced by the serving benchmarks (serve_load.sh, add_titles.sh): one
# `marquee serve` at a time, on a free loopback port, stopped on exit.
# Needs MARQUEE (the binary). Sets SERVER_PID and ADDRESS.

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT INT TERM

# launch_server LOG EVENTS [SERVE FLAGS...]: a fresh events DB at EVENTS, the
# server's output in LOG; returns once /healthz answers (exits the script,
# printing LOG, when the server dies or does not answer within 120 s).
launch_server() {
  local log=$1 events=$2
  shift 2
  stop_server
  rm -f "$events" "$events-wal" "$events-shm"
  "$MARQUEE" serve --events "$events" --port 0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  ADDRESS=""
  for _ in $(seq 1 1200); do
    ADDRESS=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$log")
    [[ -n "$ADDRESS" ]] && curl -fsS "$ADDRESS/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:" >&2; cat "$log" >&2; exit 1; }
    ADDRESS=""
    sleep 0.1
  done
  [[ -n "$ADDRESS" ]] || { echo "server did not answer /healthz" >&2; exit 1; }
}
