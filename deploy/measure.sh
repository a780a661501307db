#!/usr/bin/env bash
# Measures what docs/bench.md reports: image sizes, and container start-up time
# (from `docker start` to the first HTTP response on port 80), with and without the AOT cache.
# Usage (from the repo root, after `docker-compose build`): deploy/measure.sh [runs]
set -euo pipefail
runs=${1:-5}
project=${COMPOSE_PROJECT_NAME:-$(basename "$PWD" | tr -cd '[:alnum:]' | tr '[:upper:]' '[:lower:]')}
docker() { command docker ${DOCKER_HOST:+-H "$DOCKER_HOST"} "$@"; }
ms() { date +%s%3N; }

echo "image sizes:"
for s in rng hasher worker webui; do
  printf '  %-7s %s\n' "$s" "$(docker image inspect -f '{{.Size}}' "${project}_$s" | awk '{printf "%.0f MB", $1/1e6}')"
done
for b in debian:bookworm-slim redis; do
  printf '  %-22s %s (base)\n' "$b" "$(docker image inspect -f '{{.Size}}' "$b" | awk '{printf "%.0f MB", $1/1e6}')"
done

# one start: create, then time start -> first HTTP answer (any status) on the published port
start_ms() { # image port [cmd...]
  local image=$1 port=$2; shift 2
  local id t0 t1
  id=$(docker create -p "127.0.0.1:$port:80" "$image" "$@")
  t0=$(ms); docker start "$id" >/dev/null
  for _ in $(seq 1000); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break
    sleep 0.005
  done
  t1=$(ms)
  docker rm -f "$id" >/dev/null
  echo $((t1 - t0))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# the engine's own share: start of a container that runs `true` until it has exited
engine_ms() {
  local id t0
  id=$(docker create eclipse-temurin:25-jre true); t0=$(ms)
  docker start -a "$id" >/dev/null; echo $(($(ms) - t0)); docker rm -f "$id" >/dev/null
}
echo "start-up, docker start -> first HTTP response, median of $runs:"
printf '  %-7s %5s ms (the engine alone: a container running true, start to exit)\n' "engine" \
  "$(for _ in $(seq "$runs"); do engine_ms; done | median)"
for s in rng hasher webui; do
  image="${project}_$s"
  read -r -a cmd < <(docker image inspect -f '{{join .Config.Cmd " "}}' "$image")
  noaot=(); for a in "${cmd[@]}"; do [[ $a == -XX:AOTCache=* ]] || noaot+=("$a"); done
  with=$(for _ in $(seq "$runs"); do start_ms "$image" 18080; done | median)
  without=$(for _ in $(seq "$runs"); do start_ms "$image" 18080 "${noaot[@]}"; done | median)
  printf '  %-7s %5s ms with the AOT cache, %5s ms without\n' "$s" "$with" "$without"
done

# inside the container, without the engine's share: exec of java -> first HTTP answer (bash /dev/tcp)
inside='t0=$(date +%s%N); "$@" >/dev/null 2>&1 & for _ in $(seq 3000); do
  if { exec 3<>/dev/tcp/127.0.0.1/80; } 2>/dev/null; then printf "GET / HTTP/1.0\r\n\r\n" >&3; read -r _ <&3; break; fi
  sleep 0.002; done; echo $(( ($(date +%s%N) - t0) / 1000000 )); kill $!'
echo "start-up inside the container, exec java -> first HTTP response, median of $runs:"
for s in rng hasher webui; do
  image="${project}_$s"
  read -r -a cmd < <(docker image inspect -f '{{join .Config.Cmd " "}}' "$image")
  noaot=(); for a in "${cmd[@]}"; do [[ $a == -XX:AOTCache=* ]] || noaot+=("$a"); done
  with=$(for _ in $(seq "$runs"); do docker run --rm --entrypoint bash "$image" -c "$inside" _ "${cmd[@]}"; done | median)
  without=$(for _ in $(seq "$runs"); do docker run --rm --entrypoint bash "$image" -c "$inside" _ "${noaot[@]}"; done | median)
  printf '  %-7s %5s ms with the AOT cache, %5s ms without\n' "$s" "$with" "$without"
done
