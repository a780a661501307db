#!/usr/bin/env bash
# The container test: plays the workshop's Compose chapter against real containers, once with
# today's `docker compose` (v2 and later) and once with docker-compose 1.29 (the Python "v1"),
# each asserting what the slides promise; the image, fault and restart checks run once, with
# `docker compose` (see docs/compose.md).
#
#   deploy/test-containers.sh            # from the repo root; as root if no engine answers yet
#
# Uses the Docker engine that answers at $DOCKER_HOST (or /var/run/docker.sock); if none does,
# brings one up with ../shared/containers/engine-up (podman + docker-compose 1.29) and brings
# it down again at the end. Without `docker compose`, installs it with
# ../shared/containers/compose-v2 (Docker Compose v5 as the docker CLI's plugin); without a
# docker-compose 1.x, its chapter is skipped, saying so. Needs ports 8000-8002 free. Prints one
# PASS/FAIL line per check, a "compose:" line with each tool's numbers, and ends with
# "N passed, M failed"; exit status 1 if any check failed. About 10 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."

project=${COMPOSE_PROJECT_NAME:-dctest}   # never the user's own stack; docker-compose 1.29 uses ${project}v1
export COMPOSE_PROJECT_NAME=$project
passed=0 failed=0 started_engine=
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
note() { echo "---- $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

engine_answers() {
  local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  case $host in
    unix://*) curl -sf --max-time 3 --unix-socket "${host#unix://}" http://d/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -sf --max-time 3 "http://${host#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
if ! engine_answers; then
  up=../shared/containers/engine-up
  if [ -x "$up" ] && [ "$(id -u)" = 0 ]; then
    note "no Docker engine answers: bringing one up with $up (first time about 2 minutes)"
    if env_line=$(timeout 420 "$up"); then eval "$env_line"; started_engine=1; fi
  fi
fi
if ! engine_answers; then
  fail "a Docker engine answers (none at ${DOCKER_HOST:-/var/run/docker.sock}, and engine-up was not usable)"
  finish
fi
docker_() { docker ${DOCKER_HOST:+-H "$DOCKER_HOST"} "$@"; }
# podman's Docker API lacks what `docker compose ps` shows as published ports, and what
# `docker compose top` and `docker-compose top` ask for: those checks are skipped there
podman=
docker_ version -f '{{range .Server.Components}}{{.Name}} {{end}}' 2>/dev/null | grep -qi podman && podman=1

# --- the two Compose tools ---------------------------------------------------------------------
v2=../shared/containers/compose-v2
if ! docker compose version >/dev/null 2>&1 && [ -x "$v2" ] && [ "$(id -u)" = 0 ]; then
  note "no docker compose: installing it with $v2 (first time about a minute)"
  timeout 600 "$v2" >/tmp/dctest-compose-v2.log 2>&1 || tail -5 /tmp/dctest-compose-v2.log
fi
tools=()
if version=$(docker compose version --short 2>/dev/null); then tools+=("docker compose"); echo "---- docker compose: Docker Compose $version"
else fail "docker compose is installed (the docker CLI's plugin; $v2 installs it as root)"; fi
if version=$(docker-compose version --short 2>/dev/null) && [ "${version%%.*}" = 1 ]; then
  tools+=(docker-compose); echo "---- docker-compose: docker-compose $version"
else note "no docker-compose 1.x on PATH: its chapter is skipped (today's Docker has only docker compose)"; fi
[ ${#tools[@]} -gt 0 ] || finish

# use TOOL: the Compose command and project the next steps run ("docker compose" or docker-compose)
use() {
  tool=$1
  read -ra compose_cmd <<<"$tool"
  if [ "$tool" = docker-compose ]; then COMPOSE_PROJECT_NAME=${project}v1 sep=_; else COMPOSE_PROJECT_NAME=$project sep=-; fi
  # With podman's API, docker compose (v5) recreates every running container on each `up`
  # (redis too: the counter starts again at 0), which Docker does not: there, --no-recreate
  # keeps `up -d --scale` to what it does on Docker (adds or removes workers)
  # Podman keeps no stop timeout for a container created through its API (0 s, Docker's is 10 s)
  # and docker compose sends none without -t: stop and restart would kill at once (exit 137,
  # redis saves nothing), where Docker sends SIGTERM and waits 10 s. docker-compose 1.29 sends 10.
  scale=(up -d) stop_t=()
  if [ -n "$podman" ] && [ "$tool" = "docker compose" ]; then scale+=(--no-recreate) stop_t=(-t 10); fi
}
compose() { timeout "${T:-120}" "${compose_cmd[@]}" "$@"; }

cleanup() {
  for t in "${tools[@]}"; do use "$t"; compose down --remove-orphans >/dev/null 2>&1; done
  if [ -n "$started_engine" ] && [ -z "${KEEP_ENGINE:-}" ]; then ../shared/containers/engine-down >/dev/null 2>&1; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers -------------------------------------------------------------------------------
json() { curl -s --max-time 3 http://127.0.0.1:8000/json; }
. deploy/test-lib.sh   # await, field, hashes, counting, rate, above, below, between
# logs without colours (docker-compose 1.29 colours them even into a pipe)
plain() { sed -u 's/\x1b\[[0-9;]*m//g'; }
# (read whole, then searched: grep -q stopping early would fail the pipe under pipefail)
logs_show() { local out; out=$(compose logs --tail "$1" "${@:3}" 2>/dev/null | plain); grep -q -- "$2" <<<"$out"; }
running_workers() { compose ps worker 2>/dev/null | grep -c ' Up '; }
# On podman a DNS look-up in flight can go unanswered (more often while containers join or leave
# the network): the resolver waits 5 s and asks again, and a worker stalls for 10 s (Docker's DNS
# answers). A rate read across such a stall measures the engine, not the lab, so rates are read
# once every worker is at work, over a window in which none stalled (docs/compose.md).

# the longest time, in seconds, any running worker went without logging a non-zero count in the
# last $1 seconds ($1 for a worker that logged none)
longest_silence() {
  local id now
  now=$(date -u +%s.%N)
  for id in $(compose ps -q worker 2>/dev/null); do
    docker_ logs --since "$1s" "$id" 2>&1 | grep -E '(^|[^0-9])[1-9][0-9]* units of work done' |
      awk -v now="$now" -v span="$1" '
        BEGIN { end = now % 86400; last = end - span }
        { split(substr($1, 12, 12), t, ":"); at = t[1] * 3600 + t[2] * 60 + t[3]
          if (at < last - 1) at += 86400   # past midnight
          if (at - last > longest) longest = at - last; last = at }
        END { if (end - last > longest) longest = end - last; printf "%.1f\n", longest }'
  done | sort -n | tail -1
}
# a worker's loop failed since $1 (an RFC 3339 time); its errors are printed
failed_since() { compose logs --no-color --since "$1" worker 2>/dev/null | grep 'In work loop' | tail -3 | grep .; }
# every running worker logged a non-zero count in the last $1 seconds
all_at_work() { below "$(longest_silence "$1")" "$1"; }
# steady_rate: hashes/s over 12 s in which no worker went 3 s without logging its count; a window
# with a stall is measured again (at most 3 windows: if all stalled, the last one is printed)
steady_rate() {
  local try r silence
  for try in 1 2 3; do
    r=$(rate 12)
    silence=$(longest_silence 12)
    if below "$silence" 3; then echo "$r"; return; fi
    echo "---- $r hashes/s, but a worker logged nothing for $silence s in that window (a stall, see above): measuring again" >&2
  done
  echo "$r"
}
# check_rate WHAT RATE LO HI: the rate within [LO, HI]; if not, the workers' last errors say why
check_rate() {
  if between "$2" "$3" "$4"; then pass "$1"
  else fail "$1"; compose logs --tail 200 worker 2>/dev/null | plain | grep ERROR | tail -4; fi
}
port_free() { ! curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$1/"; }
# the median of three response times of $1, in seconds
latency() {
  for i in 1 2 3; do curl -s --max-time 5 -o /dev/null -w '%{time_total}\n' "$1"; done | sort -n | sed -n 2p | awk '{ printf "%.3f", $1 }'
}

# --- every compose file, as each tool reads it: no warning ---------------------------------------
# The Compose variants are override files: read on top of compose.yaml, as their comments say.
# The Swarm stacks are read as `docker-compose -f ... build` reads them; Compose says which of
# their keys only Swarm honours (deploy.mode, endpoint_mode ...): those warnings are expected.
config_says() { "${compose_cmd[@]}" "$@" config -q 2>&1; }
for t in "${tools[@]}"; do
  use "$t"
  out=$(config_says -f compose.yaml)
  check "$tool config: compose.yaml without a warning${out:+ ($out)}" test -z "$out"
  for f in deploy/compose/*.yaml; do
    out=$(config_says -f compose.yaml -f "$f")
    check "$tool config: compose.yaml + $f without a warning${out:+ ($out)}" test -z "$out"
  done
  for f in deploy/swarm/dockercoins.yml deploy/swarm/dockercoins+healthcheck.yml \
           "deploy/swarm/dockercoins.yml -f deploy/swarm/no-ipvs.yml"; do
    read -ra files <<<"-f $f"
    out=$(config_says "${files[@]}") && ok=1 || ok=
    others=$(grep -v -i swarm <<<"$out")
    check "$tool config: ${f/ -f / + } accepted, warnings only for Swarm's keys ($(grep -c -i swarm <<<"$out"))${others:+: $others}" \
      test -n "$ok" -a -z "$others"
  done
done

# --- the workshop's Compose chapter, with one tool -----------------------------------------------
# chapter TOOL: build, up -d, ps, the published ports, logs --tail/--follow, 1, 2 and 10 workers,
# rng vs hasher; leaves the stack up with 10 workers (down is the caller's)
chapter() {
  use "$1"
  local p=$COMPOSE_PROJECT_NAME t0 ps_out s n out r1 r2 r10 rng_s hasher_s
  note "$tool (project $p)"
  [ ${#scale[@]} -gt 2 ] && note "podman: $tool up recreates every running container and stop kills at once there (Docker does neither): --scale with --no-recreate, stop and restart with -t 10"
  check "ports 8000, 8001 and 8002 are free" eval 'port_free 8000 && port_free 8001 && port_free 8002'
  compose down --remove-orphans >/dev/null 2>&1

  t0=$SECONDS
  if T=480 compose build >"/tmp/$p-build.log" 2>&1; then pass "$tool build ($((SECONDS - t0)) s)"
  else fail "$tool build (log: /tmp/$p-build.log)"; tail -20 "/tmp/$p-build.log"; return 1; fi

  check "$tool up -d" eval 'compose up -d >"/tmp/$p-up.log" 2>&1'
  ps_out=$(compose ps 2>&1); echo "$ps_out"
  for s in rng hasher webui redis worker; do
    check "$tool ps shows $p$sep$s${sep}1 Up" grep -q -E "^$p$sep$s${sep}1 .* Up" <<<"$ps_out"
  done
  if [ -n "$podman" ] && [ "$tool" = "docker compose" ]; then
    note "skipped: ps showing 0.0.0.0:8000-8002->80/tcp (podman's API gives docker compose no published ports; Docker does)"
  else
    for n in 8001 8002 8000; do check "$tool ps shows port $n->80" grep -q "$n->80/tcp" <<<"$ps_out"; done
  fi
  check "rng answers on 8001: RNG running on <hostname>" await 30 eval 'curl -s --max-time 2 http://127.0.0.1:8001/ | grep -q "^RNG running on "'
  check "hasher answers on 8002: HASHER running on <hostname>" await 30 eval 'curl -s --max-time 2 http://127.0.0.1:8002/ | grep -q "^HASHER running on "'
  check "webui serves the page from the ./webui/files/ volume (15px)" await 30 eval 'curl -s --max-time 2 http://127.0.0.1:8000/index.html | grep -q 15px'

  [ "$tool" = "${tools[0]}" ] && images
  check "$tool logs --tail 10 shows 'units of work done'" await 60 logs_show 10 "units of work done, updating hash counter"
  compose logs --tail 10 worker 2>/dev/null | plain | tail -2
  # --follow goes on printing: it is read until 2 more 'units of work done' lines than --tail 10
  # alone gave have come (one a second), at most 40 s; each line is prefixed worker-1 (v2+) or
  # worker_1 (1.29). Read once the worker is at work: at start-up its first look-up can stall
  # 15-25 s on podman's DNS, then wait 10 s (docs/compose.md), and it logs nothing meanwhile.
  await 60 all_at_work 3 || true
  n=$(compose logs --tail 10 worker 2>/dev/null | grep -c 'units of work done')
  t0=$SECONDS
  out=$(T=40 compose logs --tail 10 --follow worker 2>/dev/null | plain | grep -m $((n + 2)) 'units of work done')
  check "$tool logs --tail 10 --follow streams new 'units of work done' lines ($n, then $(grep -c 'units of work done' <<<"$out") in $((SECONDS - t0)) s)" \
    test "$(grep -c 'units of work done' <<<"$out")" -ge $((n + 2))
  check "$tool logs prefix each line with worker${sep}1" grep -q "^worker${sep}1 *|" <<<"$out"
  if [ -n "$podman" ]; then note "skipped: $tool top (podman's API does not answer it: Docker does)"
  else check "$tool top shows rng's java process" eval 'compose top rng 2>&1 | grep -q java'; fi

  await 60 all_at_work 3 || true
  r1=$(steady_rate)
  check_rate "one worker: $r1 hashes/s (expected 3.3 +-20%)" "$r1" 2.64 3.96

  check "$tool ${scale[*]} --scale worker=2" eval 'compose "${scale[@]}" --scale worker=2 >/dev/null 2>&1'
  check "2 workers running" await 30 eval '[ "$(running_workers)" -eq 2 ]'
  check "$tool logs show worker${sep}2 at work (units of work done > 0)" await 30 logs_show 20 "worker${sep}2 *|.* [1-9][0-9]* units of work done" worker
  await 60 all_at_work 3 || true
  r2=$(steady_rate)
  check_rate "two workers: $r2 hashes/s (expected 6.6 +-20%)" "$r2" 5.28 7.92

  check "$tool ${scale[*]} --scale worker=10" eval 'compose "${scale[@]}" --scale worker=10 >/dev/null 2>&1'
  check "10 workers running" await 60 eval '[ "$(running_workers)" -eq 10 ]'
  await 30 logs_show 100 "worker${sep}10 *|.* [1-9][0-9]* units of work done" worker || true
  await 60 all_at_work 4 || true   # rng is the bottleneck: a stalled worker or two change little
  r10=$(rate 12)
  check_rate "ten workers: $r10 hashes/s (expected about 10, not 33: 7-12, rng is the bottleneck)" "$r10" 7 12
  # the next slide: httping localhost:8001 and :8002
  rng_s=$(latency http://127.0.0.1:8001/) hasher_s=$(latency http://127.0.0.1:8002/)
  check "with 10 workers rng is slow ($rng_s s), hasher fast ($hasher_s s): rng >= 0.3 s, hasher < rng / 3" \
    awk -v r="$rng_s" -v h="$hasher_s" 'BEGIN { exit !(r != "" && h != "" && r >= 0.3 && h < r / 3) }'
  echo "compose: $tool $version_of_tool: 1 worker ${r1:-?}, 2 workers ${r2:-?}, 10 workers ${r10:-?} hashes/s; GET / rng ${rng_s:-?} s, hasher ${hasher_s:-?} s"
}

# down TOOL: down leaves nothing of the project
down() {
  check "$tool down" eval 'compose down --remove-orphans >/dev/null 2>&1'
  local left
  left=$(docker_ ps -a -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" 2>/dev/null | wc -l)
  check "down leaves no container ($left left)" test "$left" -eq 0
}

# --- the images, once: non-root, port 80 without a flag and hardened ------------------------------
image_of() { docker_ inspect -f '{{.Image}}' "$(compose ps -q "$1" | head -1)" 2>/dev/null; }
# Port 80 as a non-root user with no sysctl, on a runtime that keeps the kernel's default
# (containerd 1.x does), and under the hardened settings of the Kubernetes component.
answers_on_80() {
  local image=$1 id port ok=1; shift
  id=$(docker_ run -d -p 127.0.0.1::80 "$@" "$image") || return 1
  port=$(docker_ port "$id" 80/tcp | head -1); port=${port##*:}
  # rng and hasher answer GET / with their banner, webui with a redirect to the page
  await 30 eval 'curl -s --max-time 2 -o /dev/null -w "%{http_code}" http://127.0.0.1:$port/ | grep -q "^[23]"' \
    || { ok=; docker_ logs "$id" 2>&1 | tail -3; }
  docker_ rm -f "$id" >/dev/null 2>&1
  [ -n "$ok" ]
}
images() {
  local s image user
  note "the images (built by $tool)"
  for s in rng hasher worker webui; do
    image=$(image_of "$s")
    user=$(docker_ image inspect -f '{{.Config.User}}' "$image" 2>/dev/null)
    check "$s image runs as a non-root user ($user)" test -n "$user" -a "${user%%:*}" != 0 -a "${user%%:*}" != root
    [ "$s" = worker ] && continue
    check "$s answers on port 80 with ip_unprivileged_port_start=1024 and no flag" \
      answers_on_80 "$image" --sysctl net.ipv4.ip_unprivileged_port_start=1024
    check "$s answers on port 80 hardened (read-only, cap-drop ALL + NET_BIND_SERVICE, no-new-privileges)" \
      answers_on_80 "$image" --read-only --tmpfs /tmp --cap-drop ALL --cap-add NET_BIND_SERVICE \
      --security-opt no-new-privileges --sysctl net.ipv4.ip_unprivileged_port_start=0
  done
}

# --- faults and restarts, once: kill -9, restart redis, stop hasher --------------------------------
faults() {
  local s before back back_at c0 redis_id h_before c_before h_after c_after t0 stop_ms code h0 r3
  check "$tool ${scale[*]} --scale worker=3" eval 'compose "${scale[@]}" --scale worker=3 >/dev/null 2>&1'
  check "3 workers running" await 30 eval '[ "$(running_workers)" -eq 3 ]'
  await 60 all_at_work 3 || true
  r3=$(steady_rate)
  check_rate "three workers: $r3 hashes/s (expected about 10: 8-12)" "$r3" 8 12

  note "faults: kill -9 each service in turn, then start it (3 workers)"
  # the counter straight from Redis (webui may be the one that is down)
  redis_id=$(compose ps -q redis | head -1)
  redis_cli() {
    if command -v podman >/dev/null; then podman exec "$redis_id" redis-cli "$@"
    else compose exec -T redis redis-cli "$@"; fi
  }
  counter() { redis_cli get hashes 2>/dev/null | tr -dc 0-9; }
  coins() { redis_cli hlen wallet 2>/dev/null | tr -dc 0-9; }
  grown_past() { local c; c=$(counter); [ -n "$c" ] && [ "$c" -gt "$1" ]; }
  # a service answers: rng, hasher and webui on their published ports, redis to redis-cli
  answers() {
    case $1 in
      rng) [[ $(curl -s --max-time 2 http://127.0.0.1:8001/) == "RNG running on "* ]] ;;
      hasher) [[ $(curl -s --max-time 2 http://127.0.0.1:8002/) == "HASHER running on "* ]] ;;
      webui) [[ $(curl -s --max-time 2 http://127.0.0.1:8000/json) == *'"hashes"'* ]] ;;
      redis) [ -n "$(counter)" ] ;;
    esac
  }
  for s in rng hasher webui redis; do
    before=$(counter)
    compose kill -s KILL "$s" >/dev/null 2>&1
    # `docker compose ps` lists only running containers: -a shows the stopped one too (both tools)
    check "ps -a shows $s exited with code 137" await 15 eval 'compose ps -a $s 2>/dev/null | grep -q -E "Exit 137|Exited \(137\)"'
    sleep 2
    compose start "$s" >/dev/null 2>&1
    # back: once it answers (a call refused while its JVM starts is no failure after it was back)
    check "$s answers again after start" await 30 answers "$s"
    back=$SECONDS back_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    # A worker that failed waits 10 s, then resumes: more than a stray flush of counted loops.
    # Usually 2-8 s after the service is back (7 s on a settled machine); right after the image
    # builds, on a loaded machine, the first retry failed too (18-21 s), and once a second one
    # (over 25 s): each failed retry costs one more 10 s wait, so two of them: 35 s. The workers'
    # errors are printed when it fails, to say why. On podman a look-up can also go unanswered for
    # 15-25 s (see longest_silence) and then fail, after the service is back: a worker whose call
    # failed after that gets one more 35 s, said so; one that never resumes still fails.
    c0=$(counter)
    if await 35 grown_past $((${c0:-0} + 10)); then pass "work resumes $((SECONDS - back)) s after $s is back (within 35 s)"
    elif failed_since "$back_at" && note "a worker's call failed after $s was back: 35 s more" &&
      await 35 grown_past $((${c0:-0} + 10)); then
      pass "work resumes $((SECONDS - back)) s after $s is back (within 70 s: a call failed after it was back)"
    else
      fail "work resumes within 35 s after $s is back, 70 s after a call failed since (counter ${c0:-none} -> $(counter) in $((SECONDS - back)) s)"
      compose logs --no-color -t --tail 30 worker 2>/dev/null | grep -E 'ERROR|Waiting' | tail -12
    fi
    if [ "$s" = redis ]; then
      # The official image saves at shutdown and at its save points; a kill -9 loses what came after.
      echo "---- counter across kill -9 redis: $before -> $c0 (not saved since the last save point)"
    else
      check "the counter never went back ($before -> $(counter))" test "$(counter)" -ge "${before:-0}"
    fi
    check "no worker exited while $s was down ($(running_workers) of 3 Up)" test "$(running_workers)" -eq 3
  done

  note "$tool restart ${stop_t[*]:+${stop_t[*]} }redis: the counter and the coins survive (saved at shutdown into /data)"
  await 30 eval '[ "$(coins)" -gt 0 ] 2>/dev/null' || true
  h_before=$(counter) c_before=$(coins)
  compose restart "${stop_t[@]}" redis >/dev/null 2>&1
  await 30 eval '[ -n "$(counter)" ]'
  h_after=$(counter) c_after=$(coins)
  check "hashes kept across restart redis ($h_before -> $h_after)" test "${h_after:-0}" -ge "${h_before:-1}"
  check "coins kept across restart redis ($c_before -> $c_after)" test "${c_after:-0}" -ge "${c_before:-1}"

  note "$tool stop ${stop_t[*]:+${stop_t[*]} }hasher, then start hasher"
  t0=$(date +%s%N)
  compose stop "${stop_t[@]}" hasher >/dev/null 2>&1
  stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  check "hasher stops on SIGTERM in ${stop_ms} ms (< 5000: the JVM got the signal)" test "$stop_ms" -lt 5000
  code=$(docker_ inspect -f '{{.State.ExitCode}}' "$(compose ps -a -q hasher | head -1)" 2>/dev/null)
  # 143: the JVM ended on SIGTERM; 0: it drained and exited (SHUTDOWN_DRAIN); 137: it was killed
  check "hasher exited by itself on SIGTERM (status $code: 0 or 143, not 137)" eval '[ "$code" = 143 ] || [ "$code" = 0 ]'
  # within the worker's HTTP timeout (30 s) and then some: a call in flight may wait that long
  if await 60 logs_show 30 "Waiting 10s and restarting." worker; then pass "workers log 'Waiting 10s and restarting.'"
  else fail "workers log 'Waiting 10s and restarting.' (within 60 s)"; compose logs --tail 5 worker 2>&1 | plain | tail -15; fi
  h0=$(counter)
  compose start hasher >/dev/null 2>&1
  check "workers resume after hasher restarts (hashes grow past $h0 + 10)" await 60 grown_past $((${h0:-0} + 10))
}

# The launcher's chaos schedule pointed at this Compose project (docs/chaos.md): a worker killed
# or stopped every 30 s through the docker CLI, the counters read from webui's /json, the report
chaos_schedule() {
  local out events
  note "./dockercoins chaos worker --compose $COMPOSE_PROJECT_NAME: a seeded schedule of kills and stops, and its report"
  out=$(timeout 300 ./dockercoins chaos worker --compose "$COMPOSE_PROJECT_NAME" --action kill,stop \
    --every 30s --for 90s --down 5s --seed 3 --json http://127.0.0.1:8000/json 2>&1)
  sed 's/^/    /' <<<"$out"
  events=$(grep -cE '^(0:30|1:00)  (kill|stop) worker-[0-9]+: started again after' <<<"$out")
  check "the schedule killed or stopped a worker at 0:30 and 1:00, and started it again ($events of 2)" test "$events" -eq 2
  check "the report read the counter through /json, and it never went back" grep -q "never went back" <<<"$out"
  check "the report passes: the work back at pace after each event" grep -q "resilience:   PASS" <<<"$out"
  check "3 workers running after the schedule" await 30 eval '[ "$(running_workers)" -eq 3 ]'
}

# --- today's docker compose first (with the checks that run once), then docker-compose 1.29 ------
for t in "${tools[@]}"; do
  use "$t"
  version_of_tool=$("${compose_cmd[@]}" version --short 2>/dev/null)
  t_chapter=$SECONDS
  if chapter "$t"; then
    if [ "$t" = "${tools[0]}" ]; then faults; chaos_schedule; fi
  fi
  note "$tool down"
  down
  echo "---- $tool: $((SECONDS - t_chapter)) s"
done
finish
