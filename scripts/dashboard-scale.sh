#!/usr/bin/env bash
# The dashboard's cluster map at Colossus scale: a release controller with N nodes (default 125,000: leaf blocks
# of 32, 16 blocks per spine) registered through the API (no agents: a long heartbeat timeout keeps them up),
# then what the map costs: the API it reads per refresh (GET /v1/leaves) against every node page (what a
# node-by-node map reads), headless Chromium's time to draw it and the elements it built, and a screenshot.
#   bash scripts/dashboard-scale.sh [N]      # needs a release build, chromium and python3
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-125000}
muster=$PWD/.build/release/muster
out=$PWD/docs/img
work=$(mktemp -d /tmp/muster-scale.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
"$muster" controller --data "$work/data" --listen 127.0.0.1:0 --port-file "$work/port" --heartbeat-timeout 3600 \
    >"$work/controller.log" 2>&1 &
until [ -s "$work/port" ]; do sleep 0.2; done
url=http://127.0.0.1:$(cat "$work/port")
token=$(cat "$work/data/token")
t0=$(date +%s.%N)
python3 - "$url" "$(cat "$work/data/join.token")" "$nodes" <<'PY'
import json, sys, threading, urllib.request
url, join, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
def worker(k):
    for n in range(k, total, 32):
        leaf = n // 32
        body = {"name": "gpu-%06d" % n, "cpus": 112, "memory_mib": 2000000, "leaf": "leaf-%04d" % leaf,
                "spine": "spine-%03d" % (leaf // 16), "address": "127.0.0.1", "instance": "scale-%d" % n,
                "gpus": [{"index": i, "model": "H100", "memory_mib": 81920, "uuid": "GPU-%d-%d" % (n, i)}
                         for i in range(8)]}
        request = urllib.request.Request(url + "/v1/agents/register", json.dumps(body).encode(),
                                         {"Authorization": "Bearer " + join, "Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(32)]
for t in threads: t.start()
for t in threads: t.join()
PY
echo "registered $nodes nodes in $(echo "$(date +%s.%N) - $t0" | bc) s"
# Some variety for the picture: one leaf block drained, three nodes of another.
for n in $(seq 160 191) 290 291 292; do
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
        -d '{"reason": "maintenance"}' "$url/v1/nodes/$(printf 'gpu-%06d' "$n")/drain"
done
# ... and jobs placed (they never start: no agent runs them; the map is drawn before their start times out).
for gpus in 2048 256 64; do
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
        -d "{\"gpus\": $gpus, \"command\": [\"sleep\", \"600\"], \"workdir\": \"/tmp\"}" "$url/v1/jobs"
done
sleep 2
fetch() { curl -s -o "$work/body" -w '%{time_total} %{size_download}\n' -H "Authorization: Bearer $token" "$url$1"; }
read -r t size < <(fetch /v1/leaves)
echo "GET /v1/leaves: $size bytes in $t s"
total=0 bytes=0 after="" pages=0
while :; do
    read -r t size < <(fetch "/v1/nodes?limit=10000${after:+&after=$after}")
    total=$(echo "$total + $t" | bc) bytes=$((bytes + size)) pages=$((pages + 1))
    after=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("next_after") or "")' "$work/body")
    [ -n "$after" ] || break
done
echo "every node (what a node-by-node map reads each refresh): $pages pages, $bytes bytes in $total s"
draw() {
    local t0 t1
    t0=$(date +%s.%N)
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1000 \
        --virtual-time-budget=3000 --dump-dom "$url/ui#/cluster$1?token=$token" 2>/dev/null >"$work/dom.html"
    t1=$(date +%s.%N)
    echo "chromium, #/cluster$1: $(echo "$t1 - $t0" | bc) s to load, draw and dump;" \
        "$(grep -o '<a class="leaf' "$work/dom.html" | wc -l) leaf tiles, $(grep -o '<a class="node' "$work/dom.html" | wc -l)" \
        "node tiles, $(grep -o '<[a-z]' "$work/dom.html" | wc -l) elements"
}
draw ""
draw "/leaf-0003"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1000 \
    --virtual-time-budget=3000 --screenshot="$out/dashboard-cluster-large.png" "$url/ui#/cluster?token=$token" 2>/dev/null
ls -l "$out/dashboard-cluster-large.png"
