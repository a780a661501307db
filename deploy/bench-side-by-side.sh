#!/usr/bin/env bash
# The original DockerCoins and ours, measured one after the other in the same run on this
# machine, with the ratio of each figure to the original's (see docs/bench.md, "Side by side").
#
#   deploy/bench-side-by-side.sh            # about 10 minutes per two stacks
#   deploy/bench-side-by-side.sh --short    # CI: about 3 minutes (shorter windows, fewer points)
#   SBS_PROFILES=$'before=-Xint\nafter=' deploy/bench-side-by-side.sh   # two JVM profiles of ours
#   SBS_PROFILES=$'default=\nno-log=ACCESS_LOG=off' SBS_ORIGINAL=none deploy/bench-side-by-side.sh
#
# The stacks, in this order:
#   original  Python rng and worker, Ruby hasher, Node webui and redis-server, as local processes,
#             by the original's own start and stop scripts (SBS_ORIGINAL: their folder, "none" to
#             skip; they install Debian's runtimes and the webui's npm modules on first use, as root).
#   ours      through ./dockercoins (project "sbs"), once per line NAME=SETTINGS of SBS_PROFILES (NAME: no "=")
#             (default "ours=": every default). SETTINGS, separated by spaces: JVM flags (-X...),
#             given to every JVM after its jvm.flags (through _JAVA_OPTIONS, which the JVM reads
#             after the command line, so they win), and our services' variables (ACCESS_LOG=off).
# Each stack: one unmeasured warm-up run (ours trains its AOT caches there), then
#   turbo    the three delays at 0, every other setting at its default; 1, 2 and 4 workers:
#            hashes/s (the Redis counter `hashes` from one change to another) and hashes per
#            CPU-second of the whole stack, redis included (utime+stime in /proc/<pid>/stat of
#            every process over the same window; our launcher's log supervisors not counted,
#            as the original's logs go straight to files);
#   lab      the default delays, 10 workers: hashes/s, then RSS and PSS (/proc/<pid>/smaps_rollup)
#            of every process after ~40 s;
#   startup  rng, hasher and webui each restarted alone with the exact command, environment and
#            folder the stack ran it with: from exec to the first HTTP answer (median).
# A benchmark: it asserts nothing about speed. It fails (exit 1) when one of our stacks does not
# work at all (no hash counted, no answer); when the original cannot run, it measures ours
# alone and says so. Loopback only; it ends only the processes it started, by PID, also on
# error and Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."

short=
case "${1:-}" in
  --short) short=1 ;;
  "") ;;
  *) echo "usage: deploy/bench-side-by-side.sh [--short]" >&2; exit 2 ;;
esac
if [ -n "$short" ]; then
  turbo_workers="1 4" warm=4 window=6 lab_warm=8 lab_window=8 startups=1
else
  turbo_workers="1 2 4" warm=10 window=20 lab_warm=20 lab_window=20 startups=5
fi
profiles=${SBS_PROFILES:-ours=}
original=${SBS_ORIGINAL:-../shared/original}
export ORIGINAL_WORK=${SBS_ORIGINAL_WORK:-/var/tmp/dockercoins-side-by-side}   # the original's copies, logs and PIDs
ours() { timeout 180 ./dockercoins -p sbs --port-base 18110 --publish-address 127.0.0.1 "$@" >>"$log" 2>&1; }
ours_state=.dockercoins/sbs/state
# The original's ports: webui, rng, hasher, redis (ours: 18110-18112, redis where the launcher puts it).
export WEBUI_PORT=18100 RNG_PORT=18101 HASHER_PORT=18102 REDIS_PORT=18109 BIND=127.0.0.1
export RNG_URL=http://127.0.0.1:$RNG_PORT HASHER_URL=http://127.0.0.1:$HASHER_PORT
# Our services' settings from this shell or a .env would change what is measured: none of them.
knobs=(RNG_DELAY RNG_CONCURRENCY HASHER_DELAY WORKER_DELAY FILES_DIR DEBUG REDIS_URL ACCESS_LOG KEEP_ALIVE
       SHUTDOWN_DRAIN _JAVA_OPTIONS JAVA_TOOL_OPTIONS)
for k in "${knobs[@]}"; do unset "$k"; done
[ -f .env ] && { echo "side-by-side: move .env away first: its settings would apply to our stacks" >&2; exit 2; }
log=$(mktemp /tmp/side-by-side.XXXXXX.log)
work=$(mktemp -d /tmp/side-by-side.XXXXXX)     # the commands the start-up runs replay
tick=$(getconf CLK_TCK)
started=()      # PIDs of the start-up runs, while they run
failed=         # set when one of our stacks did not work

say() { echo "side-by-side: $*" >&2; }
cleanup() {
  for p in "${started[@]}"; do kill "$p" 2>/dev/null; done
  [ -d "$ORIGINAL_WORK/state" ] && [ -x "$original/stop" ] && "$original/stop" >/dev/null 2>&1
  [ -d "$ours_state" ] && ours down
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- results: R[stack|figure] = value; figures printed in the order first seen -----------------
declare -A R
figures=() stacks=()
put() { [ -n "${R[_$2]:-}" ] || { R[_$2]=1; figures+=("$2"); }; R[$1|$2]=$3; }

# ---- probes ------------------------------------------------------------------------------------
# The value of a Redis key (0 when missing) through bash's /dev/tcp: RESP's inline GET.
redis_get() { # PORT KEY
  local line value=0
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s\r\n' "$2" >&3
  IFS= read -r -t 2 line <&3 || { exec 3<&-; return 1; }
  [[ $line == \$-1* ]] || IFS= read -r -t 2 value <&3
  exec 3<&-
  echo "${value%$'\r'}"
}
# The PIDs of a stack's processes (service name, PID), from the PID files of the original's start
# and of the launcher: <service>[-<n>].pid.
pids() { # STACK
  local dir f name
  if [ "$1" = original ]; then dir=$ORIGINAL_WORK/state; else dir=$ours_state; fi
  for f in "$dir"/*.pid; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .pid); name=${name%-[0-9]*}
    kill -0 "$(cat "$f")" 2>/dev/null && echo "$name $(cat "$f")"
  done
}
# CPU ticks (user + system) used so far by these PIDs.
cpu_ticks() { # PID...
  local p stat fields sum=0
  for p in "$@"; do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    read -ra fields <<<"${stat##*) }"          # fields from the 3rd on: utime is the 14th, stime the 15th
    sum=$((sum + fields[11] + fields[12]))
  done
  echo $sum
}
smaps() { # PID FIELD: kB
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null
}
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
# Blocks until the counter changes (the workers add to it once a second each), up to 5 s; prints
# "<value> <time> <CPU ticks>" at that moment.
at_change() { # REDIS_PORT PID...
  local port=$1 v0 v end=$((SECONDS + 5)); shift
  v0=$(redis_get "$port" hashes) || return 1
  while [ $SECONDS -lt $end ]; do
    v=$(redis_get "$port" hashes) || return 1
    [ "$v" != "$v0" ] && { echo "$v $(now) $(cpu_ticks "$@")"; return 0; }
    sleep 0.05
  done
  return 1
}
# hashes/s and hashes per CPU-second over about SECONDS, from one change of the counter to another.
window() { # STACK REDIS_PORT SECONDS: prints "<hashes/s> <hashes per CPU-second>"
  local port=$2 seconds=$3 processes a b
  processes=$(pids "$1" | awk '{ print $2 }')
  # shellcheck disable=SC2086
  a=$(at_change "$port" $processes) || return 1
  sleep "$seconds"
  # shellcheck disable=SC2086
  b=$(at_change "$port" $processes) || return 1
  awk -v a="$a" -v b="$b" -v tick="$tick" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    h = y[1] - x[1]; t = y[2] - x[2]; c = (y[3] - x[3]) / tick
    if (h <= 0 || t <= 0) exit 1
    printf "%.1f %.0f\n", h / t, (c > 0 ? h / c : 0)
  }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.3g\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# ---- starting and stopping a stack -------------------------------------------------------------
# mode: turbo (the three delays at 0) or lab (the defaults); workers: how many.
up() { # STACK MODE WORKERS SETTINGS
  local stack=$1 mode=$2 workers=$3 i
  if [ "$stack" = original ]; then
    local delays=; [ "$mode" = turbo ] && delays=0
    ORIGINAL_DELAYS=$delays "$original/start" redis rng hasher webui worker >>"$log" 2>&1 || return 1
    for ((i = 2; i <= workers; i++)); do
      WORKER_ID=$i ORIGINAL_DELAYS=$delays "$original/start" worker >>"$log" 2>&1 || return 1
    done
  else
    local env=() flags= word
    [ "$mode" = turbo ] && env+=(RNG_DELAY=0 HASHER_DELAY=0 WORKER_DELAY=0)
    for word in $4; do
      if [[ $word == -* ]]; then flags+=${flags:+ }$word; else env+=("$word"); fi
    done
    [ -n "$flags" ] && env+=("_JAVA_OPTIONS=$flags")
    env "${env[@]}" timeout 180 ./dockercoins -p sbs --port-base 18110 --publish-address 127.0.0.1 \
      up -d --scale "worker=$workers" >>"$log" 2>&1
  fi
}
down() { # STACK
  if [ "$1" = original ]; then "$original/stop" >>"$log" 2>&1; else ours down; fi
}
redis_port() { # STACK
  if [ "$1" = original ]; then echo "$REDIS_PORT"; else sed -n 's/^port=//p' "$ours_state/redis-1.properties"; fi
}
service_port() { # STACK SERVICE
  local base=18100; [ "$1" = original ] || base=18110
  case $2 in webui) echo $base ;; rng) echo $((base + 1)) ;; hasher) echo $((base + 2)) ;; esac
}

# ---- the three experiments ---------------------------------------------------------------------
turbo() { # STACK SETTINGS
  local stack=$1 n r rate per_cpu
  for n in $turbo_workers; do
    up "$stack" turbo "$n" "$2" || return 1
    sleep "$warm"
    r=$(window "$stack" "$(redis_port "$stack")" "$window") || { say "$stack: no hash counted with $n workers"; return 1; }
    read -r rate per_cpu <<<"$r"
    local workers="$n workers"; [ "$n" = 1 ] && workers="1 worker"
    say "$stack: turbo, $workers: $rate hashes/s, $per_cpu hashes per CPU-second"
    put "$stack" "turbo, delays 0, $workers: hashes/s" "$rate"
    put "$stack" "turbo, delays 0, $workers: hashes per CPU-second" "$per_cpu"
  done
  down "$stack"
}

lab() { # STACK SETTINGS
  local stack=$1 r rate svc p snapshot
  up "$stack" lab 10 "$2" || return 1
  sleep "$lab_warm"
  r=$(window "$stack" "$(redis_port "$stack")" "$lab_window") || { say "$stack: no hash counted in the lab"; return 1; }
  read -r rate _ <<<"$r"
  say "$stack: lab, 10 workers: $rate hashes/s"
  put "$stack" "lab, 10 workers: hashes/s" "$rate"
  # "<service> <RSS kB> <PSS kB>" for every process
  snapshot=$(pids "$stack" | while read -r svc p; do echo "$svc $(smaps "$p" Rss) $(smaps "$p" Pss)"; done)
  for svc in rng hasher webui redis; do
    put "$stack" "lab: $svc RSS, MB" "$(awk -v s="$svc" '$1 == s { printf "%.1f", $2 / 1024 }' <<<"$snapshot")"
    put "$stack" "lab: $svc PSS, MB" "$(awk -v s="$svc" '$1 == s { printf "%.1f", $3 / 1024 }' <<<"$snapshot")"
  done
  put "$stack" "lab: worker RSS (median of the 10), MB" "$(awk '$1 == "worker" { print $2 / 1024 }' <<<"$snapshot" | median)"
  put "$stack" "lab: the 10 workers' PSS together, MB" "$(awk '$1 == "worker" { s += $3 } END { printf "%.0f", s / 1024 }' <<<"$snapshot")"
  put "$stack" "lab: RSS per replica (median, redis aside), MB" "$(awk '$1 != "redis" { print $2 / 1024 }' <<<"$snapshot" | median)"
  # The start-up runs replay these very commands.
  for svc in rng hasher webui; do
    p=$(pids "$stack" | awk -v s="$svc" '$1 == s { print $2; exit }')
    cp "/proc/$p/cmdline" "$work/$stack-$svc.cmdline"; cp "/proc/$p/environ" "$work/$stack-$svc.environ"
    readlink "/proc/$p/cwd" >"$work/$stack-$svc.cwd"
  done
}

startup() { # STACK: redis keeps running (the original's webui connects to it before it listens)
  local stack=$1 svc i cmd env cwd port t0 t pid times
  if [ "$stack" = original ]; then "$original/stop" rng hasher webui worker >>"$log" 2>&1; else ours stop rng hasher webui worker; fi
  for svc in rng hasher webui; do
    mapfile -d '' cmd <"$work/$stack-$svc.cmdline"; mapfile -d '' env <"$work/$stack-$svc.environ"
    cwd=$(cat "$work/$stack-$svc.cwd"); port=$(service_port "$stack" "$svc")
    times=()
    for ((i = 0; i < startups; i++)); do
      t0=$(now)
      (cd "$cwd" && exec env -i "${env[@]}" "${cmd[@]}") >>"$log" 2>&1 &
      pid=$!; started=("$pid"); t=
      for _ in $(seq 1000); do     # up to ~10 s
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then t=$(calc "$(now) - $t0" 3); break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.005
      done
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; started=()
      [ -n "$t" ] || { say "$stack: $svc gave no answer after its start"; return 1; }
      times+=("$t")
    done
    put "$stack" "start-up to first answer: $svc, s" "$(printf '%s\n' "${times[@]}" | median)"
    say "$stack: start-up of $svc: ${times[*]} s"
  done
  down "$stack"
}

# One stack: the warm-up, then turbo, lab, start-up. Returns 1 if any of them failed.
measure() { # STACK SETTINGS
  say "$1: warm-up"
  up "$1" turbo 2 "$2" && sleep "$warm" && down "$1" && turbo "$@" && lab "$@" && startup "$1" && return 0
  down "$1"; return 1
}

# ---- the run -----------------------------------------------------------------------------------
begin=$SECONDS
for port in 18100 18101 18102 18109 18110 18111 18112; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { say "port $port is in use: stop what uses it first"; exit 2; }
done
say "building what is missing ($log has every stack's output)"
if [ ! -f rng/target/rng.jar ] || [ ! -f hasher/target/hasher.jar ] || [ ! -f worker/target/worker.jar ] || [ ! -f webui/target/webui.jar ]; then
  ./mvnw -B -q package -Dmaven.test.skip=true >>"$log" 2>&1 || { say "the build failed, see $log"; exit 1; }
fi
ours ps || { say "./dockercoins does not run, see $log"; exit 1; }

note=
if [ "$original" = none ]; then
  note="the original was not measured (SBS_ORIGINAL=none)"
elif [ ! -x "$original/start" ]; then
  note="the original was not measured: no $original/start"
elif ! measure original ""; then
  note="the original could not run here (see $log): ours measured alone"
else
  stacks+=(original)
fi
[ -n "$note" ] && say "$note"
while IFS= read -r line; do
  [ -n "$line" ] || continue
  name=${line%%=*} settings=${line#*=}
  [ "$line" != "$name" ] || settings=
  if measure "$name" "$settings"; then stacks+=("$name"); else say "$name: our stack did not work, see $log"; failed=1; fi
done <<<"$profiles"

# ---- the table ---------------------------------------------------------------------------------
echo
echo "DockerCoins side by side, $(date -u +'%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)${short:+, --short}"
while IFS= read -r line; do [ -n "$line" ] && echo "  $line"; done <<<"$profiles"
[ -n "$note" ] && echo "  $note"
header=$(printf '%-52s' figure); for s in "${stacks[@]}"; do header+=$(printf ' %13s' "$s"); done
has_original=; [ "${stacks[0]:-}" = original ] && has_original=1
if [ -n "$has_original" ]; then for s in "${stacks[@]:1}"; do header+=$(printf ' %18s' "$s/original"); done; fi
echo "$header"
for f in "${figures[@]}"; do
  row=$(printf '%-52s' "$f")
  for s in "${stacks[@]}"; do row+=$(printf ' %13s' "${R[$s|$f]:--}"); done
  if [ -n "$has_original" ]; then
    for s in "${stacks[@]:1}"; do
      # the ratio of the first number of each cell (of RSS for "RSS / PSS")
      row+=$(printf ' %18s' "$(awk -v a="${R[$s|$f]:-}" -v o="${R[original|$f]:-}" 'BEGIN {
        split(a, x, " "); split(o, y, " "); if (x[1] == "" || y[1] + 0 == 0) print "-"; else printf "%.2fx", x[1] / y[1] }')")
    done
  fi
  echo "$row"
done
echo "($((SECONDS - begin)) s; the stacks' output: $log)"
[ -z "$failed" ] || exit 1
