#!/usr/bin/env bash
# End-to-end load comparison: direct backend, nginx, gatehouse (pass-through and typical).
#
# Usage: benches/load/run.sh [ROUNDS] [SECONDS]   (defaults 5 rounds of 10 s each)
# Environment: TARGETS (space-separated subset), RATE (fixed rate for latency, 5000).
# Needs nginx and wrk (installed with apt-get if missing); latency at a fixed rate uses
# wrk with paced.lua (each connection waits CONNS/RATE between requests). The gateway under test runs pinned to core 0, wrk and
# the backend to core 1. Targets are interleaved round by round (A/B/C/… A/B/C/…) so that
# machine noise hits all of them alike; the report gives the median of the rounds.
set -euo pipefail
ROUNDS=${1:-5}
SECONDS_PER_RUN=${2:-10}
RATE=${RATE:-5000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/gatehouse-load.XXXXXX)
mkdir -p "$DIR/tmp"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
    apt-get install -y nginx-light wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx-light wrk >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
case "${TARGETS:-gatehouse}" in *gatehouse*) (cd "$ROOT" && cargo build --release -q);; esac
GH="$ROOT/target/release/gatehouse"
[ -n "${CARGO_TARGET_DIR:-}" ] && GH="$CARGO_TARGET_DIR/release/gatehouse"
# The gateway serves bundles, as in production (build once, run the verified bundle).
case "${TARGETS:-gatehouse}" in *gatehouse*)
    for p in passthrough typical; do "$GH" build "$ROOT/policies/bench/$p" -o "$DIR/$p.ghb" 2>/dev/null; done;;
esac

nginx_conf() { # role, server block
    sed -e "s|@DIR@|$DIR|g" -e "s|@ROLE@|$1|g" "$ROOT/benches/load/nginx.conf.in" > "$DIR/nginx-$1.conf"
    printf '%s\n' "$2" > "$DIR/server-$1.conf"
}
nginx_conf backend 'server { listen 127.0.0.1:18081 reuseport backlog=4096; location / { default_type application/json; return 200 "{\"ok\":true}"; } }'
PROXY='proxy_http_version 1.1; proxy_set_header Connection "";'
nginx_conf pass "server { listen 127.0.0.1:18082 backlog=4096; location /bench/ { $PROXY proxy_pass http://backend/; } }"
nginx_conf typical "server { listen 127.0.0.1:18082 backlog=4096;
  location ~ ^/bench/items/(?<id>[^/]+)\$ {
    if (\$subscribed = 0) { return 401; }
    limit_req zone=per_key burst=1000000 nodelay;
    $PROXY
    proxy_set_header X-Forwarded-Api bench;
    proxy_set_header X-Tenant \$http_x_tenant;
    proxy_set_header X-Debug \"\";
    proxy_set_header X-Priority \$priority;
    proxy_pass http://backend/items/\$id;
    add_header X-Gateway gatehouse;
  }
  location / { return 404; } }"

start() { # core, command...
    local core=$1; shift
    taskset -c "$core" "$@" >"$DIR/server.log" 2>&1 &
    local pid=$!; PIDS+=("$pid"); echo "$pid"
}
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; return 1; }

BACKEND=$(start 1 "$NGINX" -c "$DIR/nginx-backend.conf")
wait_port 18081

KEY='Ocp-Apim-Subscription-Key: bench-key'
declare -A RPS LAT RSS
read -r -a targets <<<"${TARGETS:-direct nginx-pass gatehouse-pass gatehouse-typical nginx-typical}"
launch() { # target -> pid (empty for direct)
    case $1 in
        direct) echo "";;
        nginx-pass) start 0 "$NGINX" -c "$DIR/nginx-pass.conf"; wait_port 18082 >/dev/null;;
        nginx-typical) start 0 "$NGINX" -c "$DIR/nginx-typical.conf"; wait_port 18082 >/dev/null;;
        gatehouse-pass) start 0 "$GH" run "$DIR/passthrough.ghb" --no-access-log --listen 127.0.0.1:18083 --admin 127.0.0.1:19093; wait_port 18083 >/dev/null;;
        gatehouse-typical) start 0 "$GH" run "$DIR/typical.ghb" --no-access-log --listen 127.0.0.1:18083 --admin 127.0.0.1:19093; wait_port 18083 >/dev/null;;
    esac
}
url_of() { case $1 in direct) echo http://127.0.0.1:18081/items/42;; nginx-*) echo http://127.0.0.1:18082/bench/items/42;; *) echo http://127.0.0.1:18083/bench/items/42;; esac; }
stop() { # pid: TERM, then wait until it is gone
    [ -z "$1" ] && return 0
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

for round in $(seq "$ROUNDS"); do
    for t in "${targets[@]}"; do
        pid=$(launch "$t"); url=$(url_of "$t")
        # the subscription check and choose need the headers; sent to all targets alike
        taskset -c 1 wrk -t1 -c64 -d2s -H "$KEY" -H 'X-Tier: gold' "$url" >/dev/null
        out=$(taskset -c 1 wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" -H "$KEY" -H 'X-Tier: gold' "$url")
        rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
        [ -n "$non2xx" ] && echo "warning: $t answered $non2xx non-2xx responses" >&2
        RPS[$t]="${RPS[$t]:-} $rps"
        if [ "$round" = 1 ]; then
            lat=$(RATE=$RATE CONNS=64 taskset -c 1 wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/benches/load/paced.lua" -H "$KEY" -H 'X-Tier: gold' "$url")
            LAT[$t]=$(awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {r=$2} END {printf "%s / %s (%.0f req/s)", p50, p99, r}' <<<"$lat")
        fi
        if [ "$round" = 1 ] && [ -n "$pid" ] && [ "${t#gatehouse}" != "$t" ]; then
            RSS[$t]="idle $(rss_kb "$pid") kB"
            python3 "$ROOT/benches/load/idle_connections.py" "${url}" 1000 "$pid" > "$DIR/rss.txt" || true
            RSS[$t]="${RSS[$t]}, 1000 keep-alive $(cat "$DIR/rss.txt") kB"
        fi
        stop "$pid"
        echo "round $round $t: $rps req/s" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(echo "${RPS[nginx-pass]}" | median)
echo
echo "| target | req/s (median of $ROUNDS) | vs nginx pass-through | p50 / p99 at ~$RATE req/s | RSS |"
echo "|---|---|---|---|---|"
for t in "${targets[@]}"; do
    m=$(echo "${RPS[$t]}" | median)
    printf '| %s | %.0f | %.2f× | %s | %s |\n' "$t" "$m" "$(echo "$m / $base" | bc -l)" "${LAT[$t]:-n/a}" "${RSS[$t]:-}"
done
