#!/usr/bin/env bash
# The Swarm test: the workshop's Swarm chapter on a real 3-node Docker Swarm (see docs/swarm.md).
#
#   deploy/test-swarm.sh            # from the repo root, as root
#
# Brings up the swarm with ../shared/containers/swarm-up (one network namespace and dockerd per
# node, a registry at 127.0.0.1:5000 that every node reaches) and brings it down at the end
# (KEEP_SWARM=1 keeps it). Builds the images as the workshop does, with docker-compose on the
# stack file (on podman's Docker API: ../shared/containers/engine-up when it does not answer),
# pushes them, and deploys deploy/swarm/dockercoins.yml with deploy/swarm/no-ipvs.yml (this
# kernel has no IPVS). Checks: rng on 1 node, then global (one task per node), with hashes/s
# for each; 10 workers; `docker service logs`; then the healthcheck stack, an update that breaks
# hasher, and Swarm's rollback. Prints one PASS/FAIL line per check, the figures as "swarm:"
# lines, and "N passed, M failed"; exit status 1 if any check failed. About 5 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin   # swarm-up's docker 28 client first
shared=../shared/containers
stack=dockercoins
files=(-c deploy/swarm/dockercoins.yml -c deploy/swarm/no-ipvs.yml)
work=$(mktemp -d)
passed=0 failed=0 started_swarm= started_engine=
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
note() { echo "---- $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

cleanup() {
  docker stack rm "$stack" >/dev/null 2>&1
  if [ -n "$started_swarm" ] && [ -z "${KEEP_SWARM:-}" ]; then "$shared/swarm-down" >/dev/null 2>&1; fi
  if [ -n "$started_engine" ]; then "$shared/engine-down" >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { fail "runs as root (swarm-up needs it)"; finish; }

# --- images: built as the workshop does (docker-compose build on the stack file), pushed ----------
engine_answers() { curl -sf --max-time 3 --unix-socket /run/podman/podman.sock http://d/_ping >/dev/null 2>&1; }
if ! engine_answers; then
  note "no engine to build with: $shared/engine-up (first time about 2 minutes)"
  env_line=$(timeout 420 "$shared/engine-up") || { fail "engine-up"; finish; }
  started_engine=1
fi
export REGISTRY=127.0.0.1:5000 TAG=v0.1
t0=$SECONDS
if DOCKER_HOST=unix:///run/podman/podman.sock timeout 600 docker-compose -f deploy/swarm/dockercoins.yml build >"$work/build.log" 2>&1
then pass "docker-compose -f deploy/swarm/dockercoins.yml build ($((SECONDS - t0)) s)"
else fail "docker-compose build"; tail -20 "$work/build.log"; finish; fi

note "swarm-up"
[ -e /run/netns/dc-n1 ] || started_swarm=1
if env_line=$(timeout 300 "$shared/swarm-up" 2>"$work/swarm-up.log"); then eval "$(grep '^export' <<<"$env_line")"
else fail "swarm-up"; tail -20 "$work/swarm-up.log"; finish; fi
nodes=$(docker node ls --format '{{.Status}}' | grep -c '^Ready$')
check "the swarm has 3 nodes Ready ($nodes)" test "$nodes" -eq 3

t0=$SECONDS
pushes=()
for s in rng hasher webui worker; do pushes+=("$REGISTRY/$s:$TAG=$s:$TAG"); done
if timeout 600 "$shared/swarm-push" "${pushes[@]}" >"$work/push.log" 2>&1; then pass "images pushed to 127.0.0.1:5000 ($((SECONDS - t0)) s)"
else fail "swarm-push"; tail -20 "$work/push.log"; finish; fi

# --- helpers ---------------------------------------------------------------------------------
deploy() { timeout 120 docker stack deploy "$@" "$stack" >"$work/deploy.log" 2>&1 || { cat "$work/deploy.log"; return 1; }; }
running() { docker service ps "${stack}_$1" --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' 2>/dev/null | grep -c ' Running'; }
# the address of the node that runs webui (its port 8000 is published in host mode there)
webui_at() { local n; n=$(docker service ps "${stack}_webui" --filter desired-state=running --format '{{.Node}}' | head -1); echo "10.213.0.$((10 + ${n#dc-n}))"; }
json() { nsenter --net=/run/netns/dc-n1 curl -s --max-time 3 "http://$(webui_at):8000/json"; }
. deploy/test-lib.sh   # await, field, hashes, counting, rate, above, below, between

# --- rng on one node -------------------------------------------------------------------------
note "docker stack deploy, rng as one replica (before the workshop scales it out)"
cat >"$work/rng-once.yml" <<'EOF'
services:
  rng:
    deploy:
      mode: replicated
      replicas: 1
EOF
check "stack deploy" deploy "${files[@]}" -c "$work/rng-once.yml"
check "10 workers running" await 180 eval '[ "$(running worker)" -eq 10 ]'
check "one rng task" await 60 eval '[ "$(running rng)" -eq 1 ]'
check "webui answers /json on its node's port 8000" await 60 counting
sleep 5
r1=$(rate 20)
echo "swarm: rng on 1 node, 10 workers: $r1 hashes/s"
check "rng on 1 node: $r1 hashes/s (one rng caps at about 10: 7-12)" between "$r1" 7 12

# --- rng global: one task per node --------------------------------------------------------------
note "docker stack deploy deploy/swarm/dockercoins.yml: rng global"
docker service rm "${stack}_rng" >/dev/null   # a service cannot change its mode in place
await 30 eval '! docker service inspect ${stack}_rng >/dev/null 2>&1'
check "stack deploy" deploy "${files[@]}"
check "rng global: one running task on each of the 3 nodes" await 90 eval \
  '[ "$(docker service ps ${stack}_rng --filter desired-state=running --format "{{.Node}} {{.CurrentState}}" | grep " Running" | cut -d" " -f1 | sort -u | wc -l)" -eq 3 ] && [ "$(running rng)" -eq 3 ]'
sleep 15   # workers that failed while rng was away wait 10 s before they resume
r3=$(rate 20)
echo "swarm: rng on 3 nodes, 10 workers: $r3 hashes/s"
check "rng on 3 nodes: $r3 hashes/s, clearly above one rng's (> 15)" above "$r3" 15
worker_logs=$(timeout 30 docker service logs --tail 10 "${stack}_worker" 2>&1)
check "docker service logs shows 'units of work done, updating hash counter'" \
  grep -q "units of work done, updating hash counter" <<<"$worker_logs"
tail -2 <<<"$worker_logs"

# --- healthcheck stack: a broken hasher update is rolled back ----------------------------------
note "docker stack deploy deploy/swarm/dockercoins+healthcheck.yml, then an update that breaks hasher"
check "stack deploy" deploy -c deploy/swarm/dockercoins+healthcheck.yml -c deploy/swarm/no-ipvs.yml
check "7 healthy hasher tasks" await 120 eval '[ "$(running hasher)" -eq 7 ] && [ "$(docker service inspect -f "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}" ${stack}_hasher)" != updating ]'
h0=$(hashes)
t0=$(date +%s)
# the hasher now listens on port 81: its healthcheck (curl -f http://localhost/) fails
docker service update --detach --env-add PORT=81 "${stack}_hasher" >/dev/null
state() { docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "${stack}_hasher"; }
if await 240 eval '[ "$(state)" = rollback_completed ]'; then
  took=$(( $(date +%s) - t0 ))
  echo "swarm: broken hasher update rolled back in $took s"
  pass "Swarm rolled the broken hasher back by itself ($took s)"
  history=$(docker service ps --no-trunc "${stack}_hasher" --format '{{.Name}} {{.Error}}' | grep unhealthy)
  echo "swarm: $(wc -l <<<"$history") unhealthy hasher tasks in $(cut -d' ' -f1 <<<"$history" | sort -u | wc -l) of 7 slots before the rollback"
else
  fail "Swarm rolled the broken hasher back by itself (state: $(state))"
  docker service ps "${stack}_hasher" | head -12
fi
check "hasher runs its previous spec again (no PORT=81)" eval \
  '! docker service inspect -f "{{.Spec.TaskTemplate.ContainerSpec.Env}}" ${stack}_hasher | grep -q PORT=81'
check "7 hasher tasks running after the rollback" await 60 eval '[ "$(running hasher)" -eq 7 ]'
check "work goes on: hashes grow past $h0 + 50" await 90 eval '[ "$(hashes)" -gt $((h0 + 50)) ] 2>/dev/null'
r=$(rate 10)
echo "swarm: after the rollback: $r hashes/s"

note "docker stack rm"
# `stack rm` may fail to remove the network while the tasks still stop ("in use by task"):
# repeat it until nothing of the stack is left
gone() { docker stack rm "$stack" >/dev/null 2>&1; [ -z "$(docker stack ls --format '{{.Name}}' | grep -x "$stack")" ] \
  && [ -z "$(docker network ls -q --filter label=com.docker.stack.namespace=$stack)" ]; }
check "stack rm removes the services and the network" await 90 gone
left() { for i in 1 2 3; do DOCKER_HOST=unix:///run/dc-n$i/docker.sock docker ps -q --filter label=com.docker.stack.namespace=$stack; done; }
check "no container left on any node" await 60 eval '[ -z "$(left)" ]'
finish
