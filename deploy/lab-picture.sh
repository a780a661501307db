#!/usr/bin/env bash
# The README's picture: the lab itself, from a real run. The stack runs through ./dockercoins
# (project "labpicture", ports 18000-18002 on 127.0.0.1) with 1 worker, then 2, then 10, while
# one headless Chromium keeps webui's page open; then deploy/LabPicture.java saves what it shows.
#
#   deploy/lab-picture.sh                  # about 4 minutes; writes docs/lab.png
#   deploy/lab-picture.sh /tmp/lab.png     # elsewhere
#
# Each step holds for PHASE seconds (default 70; 10 workers hold 1.5 times that), so the page's
# 250-second window shows the three steps. It ends only what it started, also on error and Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-docs/lab.png}"
phase="${PHASE:-70}"
devtools_port=19229
launcher=(./dockercoins -p labpicture --port-base 18000 --publish-address 127.0.0.1)
profile="$(mktemp -d)"
browser=

stop() {
  [ -n "$browser" ] && kill "$browser" 2>/dev/null && wait "$browser" 2>/dev/null
  "${launcher[@]}" down >/dev/null 2>&1 || true
  rm -rf "$profile"
}
trap stop EXIT

java=java
for jdk in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  if [ -x "$jdk/bin/java" ] && "$jdk/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then java="$jdk/bin/java"; break; fi
done

"${launcher[@]}" up -d --scale worker=1
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --user-data-dir="$profile" --window-size=1000,1080 --remote-debugging-port="$devtools_port" \
  http://127.0.0.1:18000/ >/dev/null 2>&1 &
browser=$!

echo "1 worker for ${phase} s"; sleep "$phase"
"${launcher[@]}" up -d --scale worker=2
echo "2 workers for ${phase} s"; sleep "$phase"
"${launcher[@]}" up -d --scale worker=10
echo "10 workers for $((phase * 3 / 2)) s"; sleep $((phase * 3 / 2))

"$java" deploy/LabPicture.java "$devtools_port" "$out"
