# Helpers shared by the shell tests (test-containers.sh, test-swarm.sh, test-k8s.sh), sourced
# after each defines json(): how it reaches webui's /json on its engine, swarm or cluster.

# wait up to $1 seconds for a command to succeed
await() { local deadline=$((SECONDS + $1)); shift; until "$@"; do [ $SECONDS -ge $deadline ] && return 1; sleep 1; done; }
# a number from /json: "hashes":"75" (a string, as the original) or a number
field() { sed -nE "s/.*\"$1\": *\"?([0-9.]+).*/\1/p"; }
hashes() { json | field hashes; }
counting() { [ "$(hashes)" -gt 0 ] 2>/dev/null; }
# hashes per second on the web UI's counter over $1 seconds (prints the rate, or nothing)
rate() {
  local j1 j2
  j1=$(json) || return 1; sleep "$1"; j2=$(json) || return 1
  awk -v h1="$(field hashes <<<"$j1")" -v t1="$(field now <<<"$j1")" \
      -v h2="$(field hashes <<<"$j2")" -v t2="$(field now <<<"$j2")" \
      'BEGIN { if (t2 > t1) printf "%.2f", (h2 - h1) / (t2 - t1) }'
}
above() { awk -v x="$1" -v lo="$2" 'BEGIN { exit !(x != "" && x > lo) }'; }
below() { awk -v x="$1" -v hi="$2" 'BEGIN { exit !(x != "" && x < hi) }'; }
between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }
