#!/usr/bin/env bash
# The graceful drain measured on the real swarm: the workers' failed calls during rolling updates
# of hasher (2 replicas, `docker service update --force`) under 10 workers.
#
#   deploy/measure-drain.sh HASHER_IMAGE SHUTDOWN_DRAIN [ROUNDS]     # as root, on a swarm-up swarm
#
# Expects the stack `dockercoins` deployed from deploy/swarm/dockercoins.yml + no-ipvs.yml (hasher
# found by DNS round robin: a task leaving the DNS answer before it stops is what the drain buys).
# Sets hasher's image and SHUTDOWN_DRAIN (an empty value removes it), 2 replicas, lets the workers
# settle, then runs ROUNDS (default 3) forced updates one after the other and counts the workers'
# "In work loop" error lines logged meanwhile (each is a failed call followed by a 10 s wait).
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
image=$1 drain=$2 rounds=${3:-3}
svc=dockercoins_hasher
if [ -n "$drain" ]; then env=(--env-add "SHUTDOWN_DRAIN=$drain"); else env=(--env-rm SHUTDOWN_DRAIN); fi
docker service update --quiet --detach=false --image "$image" "${env[@]}" --replicas 2 "$svc" >/dev/null
sleep 15 # workers that failed during this change are back from their 10 s wait
since=$(date +%s)
for _ in $(seq "$rounds"); do docker service update --quiet --detach=false --force "$svc" >/dev/null; done
sleep 3 # the last errors reach the logs
errors=$(docker service logs --since "$since" dockercoins_worker 2>/dev/null | grep "In work loop")
echo "hasher $image SHUTDOWN_DRAIN=${drain:-unset}: $rounds rolling updates in $(( $(date +%s) - since - 3 )) s," \
  "$(grep -c . <<<"$errors") failed worker calls ($(grep -c 'hasher' <<<"$errors") to hasher)"
grep -o 'In work loop: .*' <<<"$errors" | sed -E 's/[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/ADDR/g' | sort | uniq -c | sort -rn | head -5
