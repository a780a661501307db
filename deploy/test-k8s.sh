#!/usr/bin/env bash
# The Kubernetes test: the workshop's Kubernetes chapters, played with the slides' own commands
# and our images on a real 3-node cluster (see docs/kubernetes.md, "On a real cluster").
#
#   deploy/test-k8s.sh [CHAPTER...]     # from the repo root, as root; default: every chapter
#
# Chapters, in the workshop's order: ourapp scaling daemonset rollout healthchecks kubercoins
# helm overlays drain, then chaos (docs/chaos.md). Each is one function below, a rehearsal of its chapter.
#
# Brings the cluster up with ../shared/containers/k8s-up (a namespace, containerd, kubelet and
# kube-proxy per node, a registry every node reaches as 127.0.0.1:5000) and down at the end if it
# started it (KEEP_K8S=1 keeps it). Builds our images as the workshop does (docker-compose on the
# stack file, on podman's Docker API: ../shared/containers/engine-up when none answers) and
# pushes them, so that REGISTRY=127.0.0.1:5000 TAG=v0.1 are the slides' two variables.
# Prints one PASS/FAIL line per check, the figures as "k8s:" lines and a table of them at the
# end, then "N passed, M failed"; exit status 1 if any check failed. When a check fails, the
# state of the cluster (pods, events, logs of the pods not Ready) is printed before the exit.
# Throughput is checked within ranges: the machine is shared. About 25 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
shared=$(cd ../shared/containers && pwd)
work=$(mktemp -d)
passed=0 failed=0 started_k8s= started_engine= figures=()
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); diagnose; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
note() { echo "---- $*"; }
# figure CHAPTER WHAT SLIDES MEASURED: one line now, one row of the table at the end
figure() { echo "k8s: $1: $2: $4 (slides: $3)"; figures+=("| $1 | $2 | $3 | $4 |"); }
finish() {
  echo; echo "| chapter | what | the slides | measured here |"; echo "|---|---|---|---|"
  printf '%s\n' "${figures[@]}"
  echo "$passed passed, $failed failed ($((SECONDS / 60)) min $((SECONDS % 60)) s)"
  [ "$failed" -eq 0 ]; exit
}

# What a trainer looks at when something is wrong, printed once per failed check.
diagnose() {
  [ -n "${KUBECONFIG:-}" ] || return 0
  echo "==== kubectl get pods -A -o wide"; kubectl get pods -A -o wide 2>&1 | grep -v ' kube-system ' | head -40
  echo "==== recent events"; kubectl get events -A --sort-by=.lastTimestamp 2>&1 | tail -15
  kubectl get pods -A --no-headers 2>/dev/null | awk '$1 != "kube-system" { split($3, r, "/"); if (r[1] != r[2] && $4 != "Completed") print $1, $2 }' |
    head -5 | while read -r ns pod; do
      echo "==== kubectl logs -n $ns $pod --tail 10"; kubectl logs -n "$ns" "$pod" --tail 10 --all-containers 2>&1
    done
  echo "===="
}

namespaces=() chaos_forwards=()
cleanup() {
  [ -n "${watchdog:-}" ] && { pkill -P "$watchdog" 2>/dev/null; kill "$watchdog" 2>/dev/null; }
  [ -n "${forward:-}" ] && kill "$forward" 2>/dev/null
  declare -F stop_forwards >/dev/null && stop_forwards
  if [ -n "${KUBECONFIG:-}" ] && [ -z "${KEEP_NS:-}" ]; then
    for ns in "${namespaces[@]}"; do kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1; done
  fi
  if [ -n "$started_k8s" ] && [ -z "${KEEP_K8S:-}" ]; then "$shared/k8s-down" >/dev/null 2>&1; fi
  if [ -n "$started_engine" ]; then "$shared/engine-down" >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM
# A bound on the whole test: a stuck step ends it with its diagnosis, not CI's timeout.
( sleep "${K8S_TEST_LIMIT:-2700}" && echo "FAIL: the test ran over ${K8S_TEST_LIMIT:-2700} s" && kill -TERM $$ ) & watchdog=$!

[ "$(id -u)" = 0 ] || { fail "runs as root (k8s-up needs it)"; finish; }
chapters=("$@")
[ ${#chapters[@]} -gt 0 ] || chapters=(ourapp scaling daemonset rollout healthchecks kubercoins helm overlays drain chaos)

# --- images: built as the workshop does (docker-compose build on the stack file) -------------
engine_answers() { curl -sf --max-time 3 --unix-socket /run/podman/podman.sock http://d/_ping >/dev/null 2>&1; }
if ! engine_answers; then
  note "no engine to build with: $shared/engine-up (first time about 2 minutes)"
  timeout 420 "$shared/engine-up" >"$work/engine-up.log" 2>&1 || { fail "engine-up"; tail -20 "$work/engine-up.log"; finish; }
  started_engine=1
fi
export REGISTRY=127.0.0.1:5000 TAG=v0.1
t0=$SECONDS
if DOCKER_HOST=unix:///run/podman/podman.sock timeout 900 docker-compose -f deploy/swarm/dockercoins.yml build >"$work/build.log" 2>&1
then pass "docker-compose -f deploy/swarm/dockercoins.yml build ($((SECONDS - t0)) s)"
else fail "docker-compose build"; tail -20 "$work/build.log"; finish; fi
# The rollout chapter's slower worker: the same image with WORKER_DELAY=1, as the Dockerfile's
# build argument gives (docs/kubernetes.md); built FROM v0.1 here, which takes seconds.
printf 'FROM %s\nENV WORKER_DELAY=1\n' "$REGISTRY/worker:$TAG" >"$work/Dockerfile.v0.2"
check "worker:v0.2 built (WORKER_DELAY=1)" podman build -q -t "$REGISTRY/worker:v0.2" -f "$work/Dockerfile.v0.2" "$work"

# --- the cluster ---------------------------------------------------------------------------
note "k8s-up (the first time builds Kubernetes: about 12 minutes)"
api_answers() { [ -n "${KUBECONFIG:-}" ] && timeout 10 kubectl get --raw /readyz >/dev/null 2>&1; }
up() { timeout 1500 "$shared/k8s-up" 2>"$work/k8s-up.log" >"$work/k8s-up.env" && eval "$(grep '^export' "$work/k8s-up.env")"; }
# A cluster already up (KEEP_K8S=1 before) is used as it is: k8s-up run again rewrites the
# nodes' kube-proxy configuration, and kube-proxy exits when its file changes.
export KUBECONFIG=${K8S_WORK:-/var/tmp/k8s-up}/pki/admin.kubeconfig PATH=/var/cache/k8s-up/bin:$PATH
if [ -e /run/netns/k8s-node1 ] && api_answers && [ "$(pgrep -c -x kube-proxy)" -ge 3 ]; then
  note "a cluster is up: using it"
else
  if [ -e /run/netns/k8s-node1 ]; then
    note "a cluster is there but does not answer (or lost its kube-proxy): k8s-down, then k8s-up again"
    "$shared/k8s-down" >/dev/null 2>&1
  fi
  started_k8s=1; up
fi
api_answers || { fail "k8s-up: the API answers"; tail -20 "$work/k8s-up.log"; finish; }
# our own copy of the kubeconfig: each chapter sets its namespace as the current one, as a
# learner's context would, so the slides' commands run unchanged
cp "$KUBECONFIG" "$work/kubeconfig"; export KUBECONFIG=$work/kubeconfig
nodes=$(kubectl get nodes --no-headers | grep -c ' Ready ')
check "kubectl get nodes: 3 nodes Ready ($nodes)" test "$nodes" -eq 3
t0=$SECONDS
pushes=("--as-is docker.io/library/redis:7")
for s in rng hasher webui worker; do pushes+=("$REGISTRY/$s:$TAG=$s:$TAG"); done
pushes+=("$REGISTRY/worker:v0.2=worker:v0.2")
push_all() { local p; for p in "${pushes[@]}"; do timeout 300 "$shared/k8s-push" $p || return 1; done; }
if push_all >"$work/push.log" 2>&1
then pass "images pushed to 127.0.0.1:5000 ($((SECONDS - t0)) s)"
else fail "k8s-push"; tail -20 "$work/push.log"; finish; fi

# --- helpers ---------------------------------------------------------------------------------
# a fresh namespace, made the current one (removed at the end unless KEEP_NS=1)
use_namespace() {
  kubectl delete namespace "$1" --ignore-not-found --timeout=120s >/dev/null 2>&1
  kubectl create namespace "$1" >/dev/null && kubectl config set-context --current --namespace="$1" >/dev/null
  namespaces+=("$1")
}
# our manifests name ghcr.io/dockercoins-java/<service>:v0.1; here they come from the registry
ours() { sed "s#ghcr.io/dockercoins-java/\([a-z]*\):v0.1#$REGISTRY/\1:$TAG#"; }
node_ip() { echo "10.214.0.1$1"; }
nodeport() { kubectl get svc webui -o jsonpath='{.spec.ports[0].nodePort}' 2>/dev/null; }
json() { curl -s --max-time 3 "http://$(node_ip 1):$(nodeport)/json"; }
. deploy/test-lib.sh   # await, field, hashes, counting, rate, above, below, between
ready_pods() { kubectl get pods -l "app=$1" --no-headers 2>/dev/null | awk '$3 == "Running" { split($2, r, "/"); if (r[1] == r[2]) n++ } END { print n + 0 }'; }
all_available() { kubectl wait --for=condition=Available deployment --all --timeout="${1}s" >/dev/null 2>&1; }
# the worker's count settles: after a change, workers that failed wait 10 s before they resume
settle() { sleep "${1:-12}"; }
# The page in Debian's chromium, headless, driven by Debian's chromedriver through the WebDriver
# protocol (as the browser test does, with curl): the speed it shows after a few seconds of polls.
speed_on_page() {
  local wd=http://127.0.0.1:19515 driver sid el text
  chromedriver --port=19515 >/dev/null 2>&1 & driver=$!
  await 10 curl -sf "$wd/status" -o /dev/null
  sid=$(curl -s "$wd/session" -d '{"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium",
    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]}}}}' |
    sed -nE 's/.*"sessionId": *"([^"]+)".*/\1/p')
  curl -s "$wd/session/$sid/url" -d "{\"url\": \"$1\"}" >/dev/null
  # the page polls /json every second: a speed needs two answers; read it until it is not 0.0
  local deadline=$((SECONDS + 30))
  while sleep 2; do
    el=$(curl -s "$wd/session/$sid/element" -d '{"using": "css selector", "value": "#speed"}' | grep -oE '"element-[^"]+": *"[^"]+"' | cut -d'"' -f4)
    text=$(curl -s "$wd/session/$sid/element/$el/text" | sed -nE 's/.*"value": *"([^"]*)".*/\1/p')
    grep -qE '~[1-9]|~0\.[1-9]' <<<"$text" || [ $SECONDS -ge "$deadline" ] && break
  done
  curl -s -X DELETE "$wd/session/$sid" >/dev/null
  kill "$driver" 2>/dev/null; wait "$driver" 2>/dev/null
  echo "$text"
}
# the app of "Running our application on Kubernetes", in the current namespace
create_app() {
  kubectl create deployment redis --image=redis:7
  kubectl create deployment hasher --image=$REGISTRY/hasher:$TAG
  kubectl create deployment rng --image=$REGISTRY/rng:$TAG
  kubectl create deployment webui --image=$REGISTRY/webui:$TAG
  kubectl create deployment worker --image=$REGISTRY/worker:$TAG
}
expose_app() {
  kubectl expose deployment redis --port 6379
  kubectl expose deployment rng --port 80
  kubectl expose deployment hasher --port 80
  kubectl expose deploy/webui --type=NodePort --port=80
}
# a chapter run on its own starts from the app of the chapters before it
ensure_app() {
  kubectl get deployment worker >/dev/null 2>&1 && return 0
  use_namespace coins
  { create_app && expose_app; } >/dev/null && all_available 180 && await 120 counting
}

# --- Running our application on Kubernetes (k8s/ourapponkube.md) ----------------------------
chapter_ourapp() {
  note "our app on Kube: kubectl create deployment ... --image=\$REGISTRY/<service>:\$TAG"
  use_namespace coins
  local t0=$SECONDS took
  check "kubectl create deployment, five times" eval 'create_app >/dev/null'
  if all_available 180; then took=$((SECONDS - t0)); pass "every deployment available ($took s)"
    figure ourapp "kubectl create deployment x5, all available" "a few seconds" "$took s"
  else fail "every deployment available"; fi
  check "kubectl logs deploy/worker: it waits for the others ('Waiting 10s and restarting.')" \
    await 60 eval 'kubectl logs deploy/worker 2>/dev/null | grep -q "Waiting 10s and restarting."'
  kubectl logs deploy/worker --tail 2 | sed 's/^/    /'
  t0=$SECONDS
  check "kubectl expose redis, rng, hasher, webui" eval 'expose_app >/dev/null'
  if await 120 eval 'kubectl logs deploy/worker --tail 10 | grep -qE "[1-9][0-9]* units of work done, updating hash counter"'; then
    took=$((SECONDS - t0)); pass "kubectl logs deploy/worker --tail 10: 'units of work done' ($took s after expose)"
    figure ourapp "worker working after kubectl expose" "it resumes (it waits 10 s between tries)" "$took s"
  else fail "kubectl logs deploy/worker: 'units of work done'"; fi
  local np; np=$(nodeport)
  check "kubectl get svc webui: a NodePort ($np)" test -n "$np"
  check "the web UI answers /json on its NodePort" await 60 counting
  every_node() { local i; for i in 1 2 3; do curl -sf --max-time 3 "http://$(node_ip $i):$np/json" >/dev/null || return 1; done; }
  check "every node answers on the NodePort" every_node
  # the worker may still be in its 10 s wait after a failed call: the page once it mines
  check "the counter grows" await 60 eval 'above "$(rate 2)" 0'
  local speed; speed=$(speed_on_page "http://$(node_ip 1):$np/")
  check "the page in Chromium through the NodePort shows '$speed' (1 worker: 1.5-5.5)" between "$(tr -dc 0-9. <<<"$speed")" 1.5 5.5
  figure ourapp "the page, 1 worker (NodePort)" "~3.3 hashes/second" "${speed:-nothing}"
  kubectl port-forward svc/webui :80 >"$work/forward.log" 2>&1 & forward=$!
  local port=
  await 30 eval 'port=$(sed -nE "s/^Forwarding from 127.0.0.1:([0-9]+).*/\1/p" "$work/forward.log" | head -1); [ -n "$port" ]'
  speed=$(speed_on_page "http://127.0.0.1:$port/")
  check "the page in Chromium through kubectl port-forward shows '$speed' (1 worker: 1.5-5.5)" between "$(tr -dc 0-9. <<<"$speed")" 1.5 5.5
  kill "$forward" 2>/dev/null; wait "$forward" 2>/dev/null; forward=
  local out; out=$(kubectl expose deploy/worker 2>&1)
  check "kubectl expose deploy/worker fails: the worker has no port ('$out')" grep -q "couldn't find port" <<<"$out"
  figure ourapp "kubectl expose deploy/worker" "fails: no port" "${out#error: }"
}

# --- Scaling the workers, finding the bottleneck (k8s/scalingdockercoins.md) -------------------
chapter_scaling() {
  note "scaling: 1, 2, then 10 workers"
  ensure_app
  local r1 r2 r10
  kubectl scale deployment worker --replicas=1 >/dev/null; await 60 eval '[ "$(ready_pods worker)" -eq 1 ]'; settle 5
  r1=$(rate 20); figure scaling "1 worker" "about 3.3 hashes/s" "$r1 hashes/s"
  check "1 worker: $r1 hashes/s (2.6-4)" between "$r1" 2.6 4
  kubectl scale deployment worker --replicas=2 >/dev/null
  check "2 workers ready" await 90 eval '[ "$(ready_pods worker)" -eq 2 ]'; settle 5
  r2=$(rate 20); figure scaling "2 workers" "about 6.6 hashes/s (x2)" "$r2 hashes/s"
  check "2 workers: $r2 hashes/s, about twice 1 worker's (1.6x-2.4x)" \
    awk -v a="$r1" -v b="$r2" 'BEGIN { exit !(a > 0 && b / a >= 1.6 && b / a <= 2.4) }'
  kubectl scale deployment worker --replicas=10 >/dev/null
  check "10 workers ready" await 120 eval '[ "$(ready_pods worker)" -eq 10 ]'; settle 5
  r10=$(rate 20); figure scaling "10 workers" "about 10 hashes/s, not 33" "$r10 hashes/s"
  check "10 workers: $r10 hashes/s, stuck near 10 (7-12)" between "$r10" 7 12
  # the slides: httping the ClusterIPs of rng and hasher, from a node
  local RNG HASHER rng_ms hasher_ms
  RNG=$(kubectl get svc rng -o go-template='{{ .spec.clusterIP }}')
  HASHER=$(kubectl get svc hasher -o go-template='{{ .spec.clusterIP }}')
  avg_ms() { "$shared/k8s-node" 1 httping -c 3 "http://$1/" 2>/dev/null | sed -nE 's#.*min/avg/max = [0-9.]+/([0-9.]+)/.*#\1#p'; }
  rng_ms=$(avg_ms "$RNG"); hasher_ms=$(avg_ms "$HASHER")
  figure scaling "httping -c 3 rng / hasher (10 workers)" "rng ~0.7-1 s, hasher a few ms" "rng ${rng_ms:-?} ms, hasher ${hasher_ms:-?} ms"
  check "httping: rng is slow ($rng_ms ms > 400)" above "$rng_ms" 400
  check "httping: hasher is fast ($hasher_ms ms < 150)" below "$hasher_ms" 150
}

# --- Daemon sets (k8s/daemonset.md) -------------------------------------------------------------
chapter_daemonset() {
  note "daemon set: rng on every node, beside its Deployment, then selected by a label"
  ensure_app
  kubectl scale deployment worker --replicas=10 >/dev/null; await 120 eval '[ "$(ready_pods worker)" -eq 10 ]'
  kubectl create deployment rng --image=$REGISTRY/rng:$TAG -o yaml --dry-run=client >"$work/rng.yml"
  sed -i 's/^kind: Deployment/kind: DaemonSet/' "$work/rng.yml"
  local out; out=$(kubectl apply -f "$work/rng.yml" 2>&1)
  check "kubectl apply -f rng.yml (kind: DaemonSet) fails on replicas ('$(head -c 120 <<<"$out")')" grep -q replicas <<<"$out"
  sed -i -e '/^  replicas:/d' -e '/^  strategy: {}/d' -e '/^status: {}/d' "$work/rng.yml"
  check "kubectl apply -f rng.yml without replicas, strategy, status" eval 'kubectl apply -f "$work/rng.yml" >/dev/null'
  check "one rng pod per node and the Deployment's (4 Ready)" await 120 eval '[ "$(ready_pods rng)" -eq 4 ]'
  local all; all=$(kubectl get all 2>&1)
  check "kubectl get all: deployment.apps/rng and daemonset.apps/rng" \
    eval 'grep -q "^deployment.apps/rng " <<<"$all" && grep -q "^daemonset.apps/rng " <<<"$all"'
  settle; local r4; r4=$(rate 20)
  figure daemonset "rng: DaemonSet (3 nodes) + Deployment, 10 workers" "above 10 hashes/s" "$r4 hashes/s"
  check "rng on 4 pods, 10 workers: $r4 hashes/s, clearly above one rng's (> 13)" above "$r4" 13
  check "kubectl label pods -l app=rng active=yes" eval 'kubectl label pods -l app=rng active=yes >/dev/null'
  check "the Service selects app=rng,active=yes" \
    eval "kubectl patch service rng -p '{\"spec\":{\"selector\":{\"app\":\"rng\",\"active\":\"yes\"}}}' >/dev/null"
  local POD; POD=$(kubectl get pod -l app=rng,pod-template-hash -o name)
  check "kubectl label pod -l app=rng,pod-template-hash active-" eval 'kubectl label pod -l app=rng,pod-template-hash active- >/dev/null'
  local ip; ip=$(kubectl get "$POD" -o jsonpath='{.status.podIP}')
  endpoints() { kubectl get endpointslices -l kubernetes.io/service-name=rng -o jsonpath='{range .items[*].endpoints[*]}{.addresses[0]} {end}'; }
  check "the Service's endpoints: the 3 DaemonSet pods, not the Deployment's ($ip)" await 30 eval \
    '[ "$(endpoints | wc -w)" -eq 3 ] && ! grep -qw "$ip" <<<"$(endpoints)"'
  # the Deployment's pod logs a line per request (ACCESS_LOG): none after it is out
  sleep 3; local before; before=$(kubectl logs "$POD" | wc -l); sleep 10
  check "the Deployment's pod serves nothing any more (its log stopped)" test "$(kubectl logs "$POD" | wc -l)" -eq "$before"
  settle; local r3; r3=$(rate 20)
  figure daemonset "rng: the 3 DaemonSet pods only, 10 workers" "about 3 times one rng" "$r3 hashes/s"
  check "rng on 3 nodes: $r3 hashes/s, clearly above one rng's (> 13)" above "$r3" 13
}

# --- Rolling updates (k8s/rollout.md) -----------------------------------------------------------
chapter_rollout() {
  note "rolling updates: v0.2 (slower), v0.3 (missing), undo, --to-revision"
  ensure_app
  kubectl scale deployment worker --replicas=10 >/dev/null; await 120 eval '[ "$(ready_pods worker)" -eq 10 ]'
  settle 5; local r0; r0=$(rate 15)
  local t0=$SECONDS took
  kubectl set image deploy worker worker=$REGISTRY/worker:v0.2 >/dev/null
  if kubectl rollout status deploy worker --timeout=180s >/dev/null; then took=$((SECONDS - t0))
    pass "kubectl set image deploy worker worker=\$REGISTRY/worker:v0.2: rolled out in $took s"
    figure rollout "set image worker:v0.2, 10 workers: rollout status done" "old pods Terminating 30 s (the original ignores SIGTERM)" "$took s"
  else fail "the v0.2 rollout completes"; fi
  settle; local r2; r2=$(rate 20)
  figure rollout "hashes/s, v0.1 then v0.2" "the graph goes down" "$r0 then $r2 hashes/s"
  check "v0.2 mines less: $r2 hashes/s, below v0.1's $r0 and about 10 workers x 0.8 (5-10)" \
    eval 'below "$r2" "$r0" && between "$r2" 5 10'
  kubectl set image deploy worker worker=$REGISTRY/worker:v0.3 >/dev/null
  local out status; out=$(kubectl rollout status deploy worker --timeout=60s 2>&1); status=$?
  check "the v0.3 rollout does not finish (rollout status: '$(tail -1 <<<"$out")')" test "$status" -ne 0
  local pulling; pulling=$(kubectl get pods -l app=worker --no-headers | grep -cE 'ErrImagePull|ImagePullBackOff')
  local old; old=$(ready_pods worker)
  figure rollout "set image worker:v0.3 (missing)" "stuck: ErrImagePull, most old pods still mining" "$pulling pods ErrImagePull/ImagePullBackOff, $old old pods Running"
  check "v0.3: new pods cannot pull ($pulling), 8 old pods still Running ($old)" eval '[ "$pulling" -ge 1 ] && [ "$old" -eq 8 ]'
  local r3; r3=$(rate 15)
  check "the app still mines during the stuck rollout ($r3 hashes/s)" above "$r3" 1
  check "kubectl rollout undo deploy worker" eval 'kubectl rollout undo deploy worker >/dev/null && kubectl rollout status deploy worker --timeout=180s >/dev/null'
  image() { kubectl get deploy worker -o jsonpath='{.spec.template.spec.containers[0].image}'; }
  check "undo: back to v0.2 ($(image))" eval '[ "$(image)" = "$REGISTRY/worker:v0.2" ]'
  local history; history=$(kubectl rollout history deploy worker)
  check "kubectl rollout history deploy worker lists revision 1" grep -qE '^1 ' <<<"$history"
  check "kubectl rollout undo deploy worker --to-revision=1" \
    eval 'kubectl rollout undo deploy worker --to-revision=1 >/dev/null && kubectl rollout status deploy worker --timeout=180s >/dev/null'
  check "revision 1: v0.1 again ($(image))" eval '[ "$(image)" = "$REGISTRY/worker:$TAG" ]'
  settle; local r1; r1=$(rate 15)
  figure rollout "after undo --to-revision=1" "back to v0.1's rate" "$r1 hashes/s"
  check "v0.1 mines as before: $r1 hashes/s (> v0.2's $r2)" above "$r1" "$r2"
}

# --- Healthchecks (k8s/healthchecks.md, healthchecks-more.md) -----------------------------------
chapter_healthchecks() {
  note "healthchecks: a readiness probe on rng's / under 10 workers; a liveness probe that restarts"
  use_namespace health
  check "kubectl apply -k deploy/k8s/overlays/readiness (our images)" \
    eval 'kubectl kustomize deploy/k8s/overlays/readiness | ours | kubectl apply -f - >/dev/null'
  check "every deployment available" all_available 180
  kubectl scale deployment worker --replicas=10 >/dev/null
  check "10 workers ready" await 120 eval '[ "$(ready_pods worker)" -eq 10 ]'
  # rng's probe waits in rng's one-at-a-time queue behind the workers' calls: ~1 s, its timeout
  local samples=0 unready=0
  for _ in $(seq 30); do
    samples=$((samples + 1)); [ "$(ready_pods rng)" -eq 0 ] && unready=$((unready + 1)); sleep 2
  done
  local failures; failures=$(kubectl get events --field-selector reason=Unhealthy -o jsonpath='{range .items[*]}{.involvedObject.name} {.count}{"\n"}{end}' | awk '/^rng-/ { n += ($2 == "" ? 1 : $2) } END { print n + 0 }')
  figure healthchecks "readiness probe on rng's / (timeout 1 s), 10 workers, 60 s" "rng flaps (probe times out in the queue)" "not Ready in $unready of $samples samples, $failures failed probes"
  check "rng's readiness probe fails under 10 workers ($failures failed probes)" above "$failures" 0
  # liveness: hasher's /healthz probed; its JVM frozen (SIGSTOP from the node), the kubelet restarts it
  kubectl patch deployment hasher --type=json -p '[{"op": "add", "path": "/spec/template/spec/containers/0/livenessProbe",
    "value": {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 2, "timeoutSeconds": 1, "failureThreshold": 3}}]' >/dev/null
  check "hasher with a liveness probe on /healthz rolled out" eval 'kubectl rollout status deploy hasher --timeout=120s >/dev/null'
  check "the old hasher pod is gone" await 60 eval '[ "$(kubectl get pods -l app=hasher --no-headers | wc -l)" -eq 1 ]'
  local pod uid pid restarts0
  pod=$(kubectl get pod -l app=hasher --field-selector=status.phase=Running -o name | head -1)
  uid=$(kubectl get "$pod" -o jsonpath='{.metadata.uid}')
  pid=$(grep -l "${uid//-/_}\|$uid" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3 | while read -r p; do
        grep -q 'hasher' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done | head -1)
  check "hasher's JVM found on the node (pid ${pid:-none})" test -n "$pid"
  restarts0=$(kubectl get "$pod" -o jsonpath='{.status.containerStatuses[0].restartCount}')
  local t0=$SECONDS took
  [ -n "$pid" ] && kill -STOP "$pid"
  # the kubelet's SIGTERM waits, pending, for the 30 s grace period; then SIGKILL
  if await 90 eval '[ "$(kubectl get "$pod" -o jsonpath="{.status.containerStatuses[0].restartCount}")" -gt "$restarts0" ]'; then
    took=$((SECONDS - t0)); pass "the frozen hasher was restarted by its liveness probe ($took s)"
    figure healthchecks "hasher frozen, liveness on /healthz every 2 s, 3 failures" "restarted by the kubelet" "restarted after $took s"
  else fail "the frozen hasher was restarted by its liveness probe"; [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null; fi
  check "the restarted hasher is Ready" await 60 eval '[ "$(ready_pods hasher)" -eq 1 ]'
}

# --- The whole app from one file (k8s/kubercoins.md, k8s/dockercoins.yaml) ----------------------
chapter_kubercoins() {
  note "kubercoins: kubectl apply -f deploy/k8s/dockercoins.yaml"
  use_namespace kubercoins
  check "kubectl apply -f deploy/k8s/dockercoins.yaml (our images)" eval 'ours <deploy/k8s/dockercoins.yaml | kubectl apply -f - >/dev/null'
  local t0=$SECONDS
  check "every deployment available" all_available 180
  check "the web UI counts" await 120 counting
  figure kubercoins "apply -f the one file: counting" "it runs" "$((SECONDS - t0)) s"
  settle 5; local r; r=$(rate 15)
  check "1 worker: $r hashes/s (2.6-4)" between "$r" 2.6 4
}

# --- Helm (k8s/helm-*.md) -----------------------------------------------------------------------
chapter_helm() {
  note "helm: our chart (install, upgrade, rollback) and the basic-chart recipe"
  use_namespace helm
  local t0=$SECONDS took
  if timeout 300 helm install dockercoins deploy/helm/dockercoins --set image.registry=$REGISTRY,image.tag=$TAG --wait --timeout 4m >"$work/helm.log" 2>&1
  then took=$((SECONDS - t0)); pass "helm install dockercoins deploy/helm/dockercoins --set image.registry=... ($took s)"
    figure helm "helm install --wait" "the app runs" "$took s"
  else fail "helm install"; cat "$work/helm.log"; fi
  check "the web UI counts" await 120 counting
  check "helm upgrade --reuse-values --set worker.replicas=10" eval \
    'timeout 300 helm upgrade dockercoins deploy/helm/dockercoins --reuse-values --set worker.replicas=10 --wait --timeout 4m >/dev/null'
  check "10 workers ready" await 60 eval '[ "$(ready_pods worker)" -eq 10 ]'
  settle; local r; r=$(rate 20)
  figure helm "upgrade --set worker.replicas=10" "about 10 hashes/s" "$r hashes/s"
  check "10 workers: $r hashes/s (7-12)" between "$r" 7 12
  check "helm rollback dockercoins 1" eval 'timeout 300 helm rollback dockercoins 1 --wait --timeout 4m >/dev/null'
  check "back to 1 worker" await 90 eval '[ "$(kubectl get pods -l app=worker --no-headers | wc -l)" -eq 1 ]'
  check "helm history shows 3 revisions" eval '[ "$(helm history dockercoins | tail -n +2 | wc -l)" -eq 3 ]'
  note "helm create, the one file in templates/ (k8s/helm-create-basic-chart.md)"
  ( cd "$work" && helm create dockercoins >/dev/null && mv dockercoins/templates dockercoins/default-templates && mkdir dockercoins/templates )
  ours <deploy/k8s/dockercoins.yaml >"$work/dockercoins/templates/dockercoins.yaml"
  kubectl config set-context --current --namespace=default >/dev/null
  namespaces+=(helmcoins)
  check "kubectl create namespace helmcoins; helm install helmcoins dockercoins --namespace=helmcoins" eval \
    'kubectl create namespace helmcoins >/dev/null && timeout 300 helm install helmcoins "$work/dockercoins" --namespace=helmcoins --wait --timeout 4m >/dev/null'
  kubectl config set-context --current --namespace=helmcoins >/dev/null
  check "the basic chart's app counts" await 120 counting
  figure helm "helm create + the one file in templates/" "installs" "$(kubectl get deploy --no-headers | wc -l) deployments, counting"
}

# --- Every kustomize overlay ----------------------------------------------------------------------
chapter_overlays() {
  note "every kustomize overlay: applied, all pods Ready, the web UI counts"
  local dir name t0
  for dir in deploy/k8s/overlays/* deploy/k8s/observability/overlays/*; do
    name=$(basename "$dir")
    if [ "$name" = otel ]; then   # its Jaeger and the agent's Maven download need the internet
      check "overlay otel: accepted by the API server (--dry-run=server; its jaeger image is not reachable here)" eval \
        'use_namespace ov-otel; kubectl kustomize "$dir" | ours | kubectl apply --dry-run=server -f - >/dev/null'
      continue
    fi
    use_namespace "ov-$name"; t0=$SECONDS
    if ! kubectl kustomize "$dir" | ours | kubectl apply -f - >"$work/apply.log" 2>&1; then
      fail "overlay $name: kubectl apply"; cat "$work/apply.log"; continue; fi
    pods_ready() { kubectl get pods --no-headers 2>/dev/null | awk '{ split($2, r, "/"); n++; if ($3 == "Running" && r[1] == r[2]) ok++ } END { exit !(n > 0 && n == ok) }'; }
    if await 180 eval 'all_available 5 && pods_ready && counting'; then
      pass "overlay $name: every pod Ready, the web UI counts ($((SECONDS - t0)) s)"
      figure overlays "$name" "its pods Ready" "$(kubectl get pods --no-headers | wc -l) pods Ready, counting after $((SECONDS - t0)) s"
    else fail "overlay $name: every pod Ready and the web UI counting"; fi
    if [ "$name" = network-policies ]; then
      local policies; policies=$(kubectl get networkpolicy --no-headers | wc -l)
      check "overlay network-policies: $policies NetworkPolicy objects (this cluster does not enforce them)" test "$policies" -gt 0
    fi
    kubectl delete namespace "ov-$name" --wait=false >/dev/null
  done
}

# --- Graceful drain: rolling restarts under 10 workers ------------------------------------------
# Each of hasher (2 pods), rng and webui restarted in turn (kubectl rollout restart) while the 10
# workers call them and a poller asks webui's /json 5 times a second through the NodePort; the
# workers' failed calls ("In work loop: ...") and the failed polls counted. Four settings: the
# slides' app (no probe) with SHUTDOWN_DRAIN=0 (stop at once: before issue 17) and with the
# default drain; the probes-healthz overlay (readiness on /readyz) with both.
# A poll fails with an answer other than 200, a connection refused or reset, or no answer within
# 5 s (a connection sent to a pod that is gone times out): each failure's HTTP status and curl
# exit code go to $work/poll-failures and are printed. 5 s, not 2: a 2-core machine starting a JVM
# under 10 workers can keep an answer waiting. CI once counted one failed poll while hasher
# restarted, which no drain explains (webui did not restart); its cause was not recorded then.
restart_counting() {
  local deploy=$1 t0=$SECONDS np; np=$(nodeport)
  : >"$work/poll-failures"
  ( ok=0 bad=0
    for _ in $(seq 125); do   # 25 s
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$(node_ip 1):$np/json"); status=$?
      if [ "$status" = 0 ] && [ "$code" = 200 ]; then ok=$((ok + 1))
      else bad=$((bad + 1)); echo "HTTP $code, curl exit $status" >>"$work/poll-failures"; fi
      sleep 0.2
    done; echo "$bad $((ok + bad))" >"$work/polls" ) & local poller=$!
  kubectl rollout restart deployment "$deploy" >/dev/null
  kubectl rollout status deployment "$deploy" --timeout=120s >/dev/null
  wait "$poller"
  await 60 eval '[ -z "$(kubectl get pods -l app=$deploy --no-headers | grep Terminating)" ]'
  sleep 2
  local calls; calls=$(kubectl logs -l app=worker --since="$((SECONDS - t0 + 2))s" --tail=-1 --max-log-requests=20 2>/dev/null | grep -c "In work loop:")
  echo "$calls $(cat "$work/polls")"
}
drain_runs() {   # $1: what the app is (for the figures)
  local drain deploy calls errors polls
  for drain in 0 default; do
    if [ "$drain" = 0 ]; then kubectl set env deploy/hasher deploy/rng deploy/webui SHUTDOWN_DRAIN=0 >/dev/null
    else kubectl set env deploy/hasher deploy/rng deploy/webui SHUTDOWN_DRAIN- >/dev/null; fi
    for deploy in hasher rng webui; do kubectl rollout status deploy "$deploy" --timeout=180s >/dev/null; done
    settle
    for deploy in hasher rng webui; do
      read -r calls errors polls <<<"$(restart_counting "$deploy")"
      figure drain "$1, SHUTDOWN_DRAIN=$drain: rollout restart $deploy" "(not in the slides)" "$calls failed worker calls, $errors of $polls /json polls failed"
      [ "$errors" -gt 0 ] && echo "---- the failed polls: $(sort "$work/poll-failures" | uniq -c | tr '\n' ';')"
      if [ "$1" = "/readyz probe" ] && [ "$drain" = default ]; then   # the target: no call fails
        check "/readyz probe, default drain: restarting $deploy fails no worker call ($calls) and no /json poll ($errors)" \
          eval '[ "$calls" -eq 0 ] && [ "$errors" -eq 0 ]'
      fi
      settle
    done
    local pod t0; pod=$(kubectl get pod -l app=hasher -o name | head -1); t0=$(date +%s.%N)
    kubectl delete "$pod" >/dev/null
    figure drain "$1, SHUTDOWN_DRAIN=$drain: kubectl delete pod (hasher) returns after" "(the original's worker: 30 s, it ignores SIGTERM)" \
      "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
  done
}
chapter_drain() {
  note "graceful drain: rolling restarts of hasher (2 pods), rng and webui under 10 workers"
  use_namespace drain
  { create_app && expose_app; } >/dev/null
  kubectl scale deployment worker --replicas=10 >/dev/null
  kubectl scale deployment hasher --replicas=2 >/dev/null
  check "the slides' app, 10 workers and 2 hashers, available" eval 'all_available 180 && await 120 eval "[ \$(ready_pods worker) -eq 10 ]"'
  await 120 counting
  drain_runs "no probe"
  note "the same with readiness on /readyz (deploy/k8s/observability/overlays/probes-healthz)"
  use_namespace drain-probes
  kubectl kustomize deploy/k8s/observability/overlays/probes-healthz | ours | kubectl apply -f - >/dev/null
  kubectl scale deployment worker --replicas=10 >/dev/null
  kubectl scale deployment hasher --replicas=2 >/dev/null
  check "the probes-healthz app, 10 workers and 2 hashers, available" eval 'all_available 180 && await 120 eval "[ \$(ready_pods worker) -eq 10 ]"'
  await 120 counting
  drain_runs "/readyz probe"
}

# --- Faults on demand (docs/chaos.md) -------------------------------------------------------------
# The probes-healthz overlay (readiness on /readyz) with CHAOS=on set on rng, hasher and webui
# (kubectl set env), 2 hashers and 4 workers. /chaos is on no Service: kubectl port-forward reaches one pod's (a loop starts it
# again when a restarted container ends it). {"ready": false} takes that hasher out of its
# Service's endpoints while the work goes on; then ./dockercoins chaos --url's seeded schedule
# (faults, and kills by the exit fault, which the kubelet restarts) and its resilience report.
forward_chaos() {   # POD LOCAL_PORT: that pod's /chaos on 127.0.0.1:LOCAL_PORT
  ( while :; do kubectl port-forward "pod/$1" "$2:8081" >>"$work/forward-chaos.log" 2>&1; sleep 0.5; done ) &
  chaos_forwards+=($!)
  await 30 curl -sf --max-time 2 "127.0.0.1:$2/chaos" -o /dev/null
}
stop_forwards() {
  local f kids
  for f in "${chaos_forwards[@]}"; do kids=$(pgrep -P "$f"); kill "$f" 2>/dev/null; [ -n "$kids" ] && kill $kids 2>/dev/null; done
  chaos_forwards=()
}
ready_hashers() {
  kubectl get endpointslices -l kubernetes.io/service-name=hasher \
    -o jsonpath='{range .items[*].endpoints[*]}{.conditions.ready}{"\n"}{end}' 2>/dev/null | grep -c true
}
chapter_chaos() {
  note "faults on demand: CHAOS=on, {\"ready\": false} through kubectl port-forward, a seeded schedule and its report"
  use_namespace chaos
  kubectl kustomize deploy/k8s/observability/overlays/probes-healthz | ours | kubectl apply -f - >/dev/null
  kubectl set env deployment/rng deployment/hasher deployment/webui CHAOS=on >/dev/null
  kubectl scale deployment hasher --replicas=2 >/dev/null
  kubectl scale deployment worker --replicas=4 >/dev/null
  # set env rolls rng, hasher and webui out again: the old pods (no CHAOS) must be gone before one is picked
  pods_of() { kubectl get pods -l "app=$1" --no-headers 2>/dev/null | wc -l; }
  check "the probes-healthz overlay with CHAOS=on, 2 hashers and 4 workers: rolled out, available and counting" \
    eval 'kubectl rollout status deployment/rng deployment/hasher deployment/webui --timeout=180s >/dev/null &&
      await 180 eval "all_available 5 && [ \$(pods_of rng) -eq 1 ] && [ \$(pods_of hasher) -eq 2 ] && [ \$(pods_of webui) -eq 1 ] &&
        [ \$(ready_hashers) -eq 2 ] && [ \$(ready_pods worker) -eq 4 ]" && await 120 counting'
  local hasher rng out events restarts
  hasher=$(kubectl get pods -l app=hasher -o jsonpath='{.items[0].metadata.name}')
  rng=$(kubectl get pods -l app=rng -o jsonpath='{.items[0].metadata.name}')
  check "kubectl port-forward pod/$hasher 18082:8081 answers GET /chaos" forward_chaos "$hasher" 18082
  check "kubectl port-forward pod/$rng 18081:8081 answers GET /chaos" forward_chaos "$rng" 18081

  curl -s -X PUT -d '{"ready": false}' 127.0.0.1:18082/chaos >/dev/null
  check "{\"ready\": false} on $hasher: 1 of 2 hashers left in the Service's endpoints" await 30 eval '[ "$(ready_hashers)" -eq 1 ]'
  local h0; h0=$(hashes)
  check "the work goes on meanwhile (hashes past $h0 + 10)" await 30 eval '[ "$(hashes)" -gt $((h0 + 10)) ]'
  curl -s -X PUT -d '{"ready": true}' 127.0.0.1:18082/chaos >/dev/null
  check "{\"ready\": true}: both hashers back in the endpoints" await 30 eval '[ "$(ready_hashers)" -eq 2 ]'

  note "./dockercoins chaos --url hasher-a=... --url rng=... --every 30s --for 2m --seed 8"
  out=$(timeout 400 ./dockercoins chaos --url "hasher-a=http://127.0.0.1:18082/chaos" --url "rng=http://127.0.0.1:18081/chaos" \
    --json "http://$(node_ip 1):$(nodeport)/json" --every 30s --for 2m --down 8s --seed 8 2>&1)
  sed 's/^/    /' <<<"$out"
  events=$(grep -cE '^[0-9]:[0-9]{2}  (fault|kill) (hasher-a|rng)( \{.*\})?: (ended|started again) after' <<<"$out")
  check "the schedule's 3 events done, each undone (faults ended, killed pods answering again): $events" test "$events" -eq 3
  check "the report passes: work back at pace after each event, the counter never back" \
    eval 'grep -q "never went back" <<<"$out" && grep -q "resilience:   PASS" <<<"$out"'
  restarts=$(kubectl get pods -l 'app in (hasher, rng)' -o jsonpath='{range .items[*]}{.status.containerStatuses[0].restartCount}{"\n"}{end}' | awk '{ n += $1 } END { print n + 0 }')
  check "the kills by the exit fault were restarts of their containers (RESTARTS: $restarts)" test "${restarts:-0}" -ge "$(grep -cE '^[0-9]:[0-9]{2}  kill .*started again' <<<"$out")"
  note "kubectl port-forward started $(grep -c '^Forwarding from 127.0.0.1' "$work/forward-chaos.log") times for 2 pods (again after a restarted container ended it)"
  figure chaos "seeded schedule, 2 min (seed 8)" "-" "$(grep -E '^(under chaos|recovered):' <<<"$out" | tr -s ' ' | paste -sd';')"
  stop_forwards
}

for chapter in "${chapters[@]}"; do
  if declare -F "chapter_$chapter" >/dev/null; then "chapter_$chapter"; else fail "no chapter named $chapter"; fi
done
finish
