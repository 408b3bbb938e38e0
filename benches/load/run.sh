#!/usr/bin/env bash
# End-to-end load comparison, like with like: nginx, gatehouse and a bare hyper proxy
# (../shared/bench/hyper-baseline, the ceiling of the stack) doing the same work.
#
# Usage: benches/load/run.sh [ROUNDS] [SECONDS]      (defaults 3 rounds of 5 s)
#        benches/load/run.sh --quick                 (smoke test: 1 round of 1 s, ~2 min)
# Environment:
#   SCENARIOS  subset of: h1-off h1-on h1-64k h2 cores latency rss   (default: all)
#   GATEHOUSE  the gatehouse binary (default: target/release/gatehouse, built if missing)
#   GATEHOUSE_BEFORE  a second gatehouse binary run as extra targets `before-*` (to
#              measure a change in the same run)
#   HYPER_DIR  the hyper-baseline binaries (default: target/hyper-baseline/release,
#              built if missing; its targets are skipped when they cannot be built)
#   RATE       fixed rate of the latency mode (default: a third of nginx-typical's
#              median in h1-on, else 5000)
#
# Needs nginx (nginx-light), wrk, and for h2 h2load (nghttp2-client); installed with
# apt-get when missing, a scenario is skipped (said so) when its tool is still missing.
# Pinning: the proxies under test on core 0 (`cores`: on 0-1), wrk/h2load and the
# backend (nginx, one worker, `{"ok":true}` or 64 KiB with `X-Body: 64k`) on core 1.
# Each round runs a scenario's targets in a freshly shuffled order (a fixed order
# penalises whichever target runs last on this machine); the report gives the median of
# the rounds and every figure as a ratio to nginx in the same scenario.
set -euo pipefail
ROUNDS=${1:-3}
SECS=${2:-5}
WARM=1
if [ "${1:-}" = "--quick" ]; then ROUNDS=1; SECS=1; WARM=0.5; fi
SCENARIOS=${SCENARIOS:-h1-off h1-on h1-64k h2 cores latency rss}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/gatehouse-load.XXXXXX)
mkdir -p "$DIR/tmp" "$DIR/logs"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
say() { echo "$*" >&2; }

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx && [ ! -x /usr/sbin/nginx ] || ! need wrk || ! need h2load; then
    say "installing nginx-light, wrk, nghttp2-client"
    { apt-get install -y nginx-light wrk nghttp2-client || { apt-get update && apt-get install -y nginx-light wrk nghttp2-client; }; } >/dev/null 2>&1 || true
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] && need wrk || { say "nginx and wrk are needed"; exit 1; }
GH=${GATEHOUSE:-$ROOT/target/release/gatehouse}
[ -x "$GH" ] || (cd "$ROOT" && cargo build --release -q --bin gatehouse)
HYPER_DIR=${HYPER_DIR:-$ROOT/target/hyper-baseline/release}
if [ ! -x "$HYPER_DIR/proxy_conn" ] && [ -f "$ROOT/../shared/bench/hyper-baseline/Cargo.toml" ]; then
    cargo build --release --locked -q --manifest-path "$ROOT/../shared/bench/hyper-baseline/Cargo.toml" \
        --target-dir "$ROOT/target/hyper-baseline" || true
fi
HYPER=$([ -x "$HYPER_DIR/proxy_conn" ] && echo yes || echo no)
[ "$HYPER" = no ] && say "hyper-baseline not built: its targets are skipped"
for p in passthrough typical; do "$GH" build "$ROOT/policies/bench/$p" -o "$DIR/$p.ghb" >/dev/null 2>&1; done
head -c 65536 /dev/zero | tr '\0' 'x' > "$DIR/big.json"

# --- nginx configurations: backend, pass and typical, logs on/off, 1 or 2 workers --------
nginx_conf() { # name, workers, access_log line, server block
    sed -e "s|@DIR@|$DIR|g" -e "s|@ROLE@|$1|g" -e "s|@WORKERS@|$2|g" -e "s|@LOG@|$3|g" \
        "$ROOT/benches/load/nginx.conf.in" > "$DIR/nginx-$1.conf"
    printf '%s\n' "$4" > "$DIR/server-$1.conf"
}
nginx_conf backend 1 "access_log off;" "server { listen 127.0.0.1:18081 reuseport backlog=4096;
  location = /big.json { root $DIR; default_type application/json; }
  location / { if (\$http_x_body = 64k) { rewrite ^ /big.json last; }
    default_type application/json; return 200 '{\"ok\":true}'; } }"
PROXY='proxy_http_version 1.1; proxy_set_header Connection "";'
PASS="location /bench/ { $PROXY proxy_pass http://backend/; }"
TYPICAL="location ~ ^/bench/items/(?<id>[^/]+)\$ {
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
  location / { return 404; }"
for w in 1 2; do for log in on off; do
    line="access_log off;"
    # nginx batches its file writes too (buffer=), as gatehouse's writer does
    [ $log = on ] && line="access_log $DIR/logs/nginx-access.log combined buffer=64k flush=1s;"
    nginx_conf "pass-$log-w$w" $w "$line" "server { listen 127.0.0.1:18082 reuseport backlog=4096; listen 127.0.0.1:18092 http2 reuseport backlog=4096; $PASS }"
    nginx_conf "typical-$log-w$w" $w "$line" "server { listen 127.0.0.1:18082 reuseport backlog=4096; listen 127.0.0.1:18092 http2 reuseport backlog=4096; $TYPICAL }"
done; done

start() { # cores, command...
    local cores=$1; shift
    taskset -c "$cores" "$@" >>"$DIR/logs/server.log" 2>&1 &
    local pid=$!; PIDS+=("$pid"); echo "$pid"
}
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; say "port $1 did not open"; return 1; }
stop() { # pid: TERM, then wait until it is gone
    [ -z "$1" ] && return 0
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

BACKEND=$(start 1 "$NGINX" -c "$DIR/nginx-backend.conf")
wait_port 18081

# A target: KIND-PIPELINE[-LOG][-wN]: direct | nginx-{pass,typical} | gatehouse-… | before-…
# | hyper-{pass,typical}. LOG is on/off (default on), N the cores (default 1).
launch() { # target -> pid (empty for direct)
    local t=$1 kind pipe log=on w=1 cores=0
    IFS=- read -r kind pipe rest <<<"$t"
    case "$t" in *-off*) log=off;; esac
    case "$t" in *-w2) w=2; cores=0,1;; esac
    case $kind in
        direct) echo "";;
        nginx) start $cores "$NGINX" -c "$DIR/nginx-$pipe-$log-w$w.conf"; wait_port 18082 >/dev/null;;
        gatehouse|before)
            local bin=$GH; [ $kind = before ] && bin=$GATEHOUSE_BEFORE
            local extra=(); [ $log = off ] && extra=(--no-access-log)
            # the access log goes to a file, as nginx's does
            taskset -c $cores "$bin" run "$DIR/$pipe.ghb" "${extra[@]}" --threads $w \
                --listen 127.0.0.1:18083 --admin 127.0.0.1:19093 \
                >/dev/null 2>>"$DIR/logs/gatehouse-access.log" &
            local pid=$!; PIDS+=("$pid"); echo "$pid"; wait_port 18083 >/dev/null || true;;
        hyper) local mode=pass; [ $pipe = typical ] && mode=policy
            start $cores "$HYPER_DIR/proxy_conn" 127.0.0.1:18084 127.0.0.1:18081 $mode; wait_port 18084 >/dev/null;;
    esac
}
port_of() { case $1 in direct*) echo 18081;; nginx*) echo 18082;; hyper*) echo 18084;; *) echo 18083;; esac; }
url_of() { # target, h2?
    local p; p=$(port_of "$1")
    [ "${2:-}" = h2 ] && [ "$p" = 18082 ] && p=18092
    case $1 in direct*) echo "http://127.0.0.1:$p/items/42";; *) echo "http://127.0.0.1:$p/bench/items/42";; esac
}
HDRS=(-H 'Ocp-Apim-Subscription-Key: bench-key' -H 'X-Tier: gold')

load() { # target, seconds, extra headers... -> req/s
    local t=$1 s=$2; shift 2
    local out; out=$(taskset -c 1 wrk -t1 -c64 -d"${s}s" "${HDRS[@]}" "$@" "$(url_of "$t")" 2>&1)
    local bad; bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -n "$bad" ] && say "warning: $t answered $bad non-2xx responses"
    awk '/Requests\/sec/ {print $2}' <<<"$out"
}
load_h2() { # target, seconds -> req/s (h2load: 64 connections, 10 streams each)
    local out; out=$(taskset -c 1 h2load -c64 -m10 -t1 -D "$2" "${HDRS[@]}" "$(url_of "$1" h2)" 2>&1)
    awk '/^finished in/ {gsub(",", "", $4); print $4}' <<<"$out"
}

declare -A RPS LAT MEM
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Runs the targets of a scenario for ROUNDS rounds, each round in a new shuffled order.
scenario() { # name, tool (h1|h2|h1-64k), targets...
    local name=$1 tool=$2; shift 2
    local targets=("$@")
    [ "$HYPER" = no ] && targets=($(printf '%s\n' "${targets[@]}" | grep -v '^hyper' || true))
    [ -z "${GATEHOUSE_BEFORE:-}" ] && targets=($(printf '%s\n' "${targets[@]}" | grep -v '^before' || true))
    for round in $(seq "$ROUNDS"); do
        for t in $(printf '%s\n' "${targets[@]}" | shuf); do
            local pid rps; pid=$(launch "$t")
            case $tool in
                h2) load_h2 "$t" "$WARM" >/dev/null; rps=$(load_h2 "$t" "$SECS");;
                h1-64k) load "$t" "$WARM" -H 'X-Body: 64k' >/dev/null; rps=$(load "$t" "$SECS" -H 'X-Body: 64k');;
                *) load "$t" "$WARM" >/dev/null; rps=$(load "$t" "$SECS");;
            esac
            stop "$pid"
            RPS[$name/$t]="${RPS[$name/$t]:-} ${rps:-0}"
            say "$name round $round $t: ${rps:-0} req/s"
        done
    done
    SCEN_TARGETS[$name]="${targets[*]}"
    SCEN_ORDER+=("$name")
}
declare -A SCEN_TARGETS; SCEN_ORDER=()

# Latency at a fixed rate: wrk paced per connection (wrk 4 has no -R; paced.lua makes
# each of the 64 connections wait 64/RATE s between requests) — p50/p99/p99.9 added over
# direct, targets shuffled per round, medians of the rounds.
latency() { # targets...
    local rate=${RATE:-}
    if [ -z "$rate" ]; then
        local n; n=$(echo "${RPS[h1-on/nginx-typical]:-}" | median)
        rate=$(awk -v n="$n" 'BEGIN {r = int(n / 3); print (r > 0) ? r : 5000}')
    fi
    LAT_RATE=$rate
    for round in $(seq "$ROUNDS"); do
        for t in $(printf '%s\n' "$@" | shuf); do
            [ "$HYPER" = no ] && [ "${t#hyper}" != "$t" ] && continue
            local pid out; pid=$(launch "$t")
            load "$t" "$WARM" >/dev/null
            out=$(RATE=$rate CONNS=64 taskset -c 1 wrk -t1 -c64 -d"${SECS}s" -s "$ROOT/benches/load/paced.lua" "${HDRS[@]}" "$(url_of "$t")" 2>&1)
            stop "$pid"
            LAT[$t]="${LAT[$t]:-}$(awk '/^latency_us/ {print $2, $3, $4}' <<<"$out");"
            say "latency round $round $t: $(awk '/^latency_us/ {print $2, $3, $4}' <<<"$out") µs"
        done
    done
    LAT_TARGETS=("$@")
}

# RSS: idle after start, after a load run, with 1,000 idle keep-alive connections.
rss() { # targets...
    for t in "$@"; do
        [ "$HYPER" = no ] && [ "${t#hyper}" != "$t" ] && continue
        local lpid pid idle after held; lpid=$(launch "$t"); sleep 0.5
        pid=$lpid
        # nginx: the worker's memory (the master only forks)
        [ "${t#nginx}" != "$t" ] && pid=$(pgrep -P "$lpid" | head -1 || echo "$lpid")
        idle=$(rss_kb "$pid")
        load "$t" "$SECS" >/dev/null; sleep 1
        after=$(rss_kb "$pid")
        held=$(python3 "$ROOT/benches/load/idle_connections.py" "$(url_of "$t")" 1000 "$pid" 2>/dev/null || echo 0)
        stop "$lpid"
        MEM[$t]="$idle $after $held"
        say "rss $t: idle $idle kB, after load $after kB, 1000 keep-alive $held kB"
    done
    MEM_TARGETS=("$@")
}

for s in $SCENARIOS; do case $s in
    h1-off) scenario h1-off h1 direct nginx-pass-off nginx-typical-off gatehouse-pass-off gatehouse-typical-off hyper-pass hyper-typical before-pass-off before-typical-off;;
    h1-on) scenario h1-on h1 nginx-pass nginx-typical gatehouse-pass gatehouse-typical hyper-typical before-typical;;
    h1-64k) scenario h1-64k h1-64k direct nginx-typical gatehouse-typical hyper-typical;;
    h2) if need h2load; then scenario h2 h2 nginx-pass nginx-typical gatehouse-pass gatehouse-typical; else say "h2load missing: h2 skipped"; fi;;
    cores) scenario cores h1 nginx-typical nginx-typical-w2 gatehouse-typical gatehouse-typical-w2;;
    latency) latency direct nginx-typical gatehouse-typical hyper-typical;;
    rss) rss gatehouse-typical nginx-typical;;
esac; done

# --- report ---------------------------------------------------------------------------
echo
echo "Rounds: $ROUNDS × ${SECS} s, targets shuffled per round; medians; ratios to nginx in the same scenario."
for name in "${SCEN_ORDER[@]}"; do
    read -r -a ts <<<"${SCEN_TARGETS[$name]}"
    echo
    echo "### $name"
    echo
    echo "| target | req/s (median) | vs nginx pass | vs nginx typical | rounds |"
    echo "|---|---|---|---|---|"
    sfx=""; [ "$name" = h1-off ] && sfx=-off
    np=$(echo "${RPS[$name/nginx-pass$sfx]:-}" | median)
    nt=$(echo "${RPS[$name/nginx-typical$sfx]:-}" | median)
    for t in "${ts[@]}"; do
        m=$(echo "${RPS[$name/$t]}" | median)
        rp=$(awk -v a="$m" -v b="$np" 'BEGIN {print (b > 0) ? sprintf("%.2f×", a / b) : "–"}')
        rt=$(awk -v a="$m" -v b="$nt" 'BEGIN {print (b > 0) ? sprintf("%.2f×", a / b) : "–"}')
        printf '| %s | %.0f | %s | %s | %s |\n' "$t" "$m" "$rp" "$rt" "${RPS[$name/$t]# }"
    done
done
if [ -n "${LAT_TARGETS:-}" ]; then
    echo
    echo "### latency at ${LAT_RATE} req/s (wrk, paced), µs: p50 / p99 / p99.9, and added over direct"
    echo
    echo "| target | p50 | p99 | p99.9 | added p50 / p99 / p99.9 |"
    echo "|---|---|---|---|---|"
    col() { tr ';' '\n' | awk -v c="$1" 'NF {print $c}' | median; }
    d50=$(echo "${LAT[direct]:-}" | col 1); d99=$(echo "${LAT[direct]:-}" | col 2); d999=$(echo "${LAT[direct]:-}" | col 3)
    for t in "${LAT_TARGETS[@]}"; do
        [ -z "${LAT[$t]:-}" ] && continue
        a=$(echo "${LAT[$t]}" | col 1); b=$(echo "${LAT[$t]}" | col 2); c=$(echo "${LAT[$t]}" | col 3)
        printf '| %s | %s | %s | %s | %s / %s / %s |\n' "$t" "$a" "$b" "$c" $((a - d50)) $((b - d99)) $((c - d999))
    done
fi
if [ -n "${MEM_TARGETS:-}" ]; then
    echo
    echo "### RSS (kB): idle / after a load run / with 1,000 idle keep-alive connections"
    echo
    for t in "${MEM_TARGETS[@]}"; do [ -n "${MEM[$t]:-}" ] && echo "* $t: ${MEM[$t]// / / }"; done
fi
