#!/usr/bin/env bash
# Screenshots of the web dashboard (/ui) for the README: a controller and 12 agents with 8 fake GPUs each in
# 4 leaf blocks of 3 nodes over 2 spines, three teams, training jobs started over half a minute (so the
# utilisation chart has a shape), jobs that wait (each with its reason), a finished and a failed one, a service
# of 2 replicas answering requests through the router, a drained node and a node whose agent was killed. Then
# headless Chromium takes one screenshot per page; the token travels in the URL fragment (never sent to the
# server; the page moves it to sessionStorage).
#
#   bash scripts/dashboard-screenshots.sh        # needs chromium and python3; writes docs/img/dashboard-*.png
#
# MUSTER=PATH picks the binary (default .build/debug/muster); OUT=DIR the output directory.
set -euo pipefail
cd "$(dirname "$0")/.."
muster=$(realpath "${MUSTER:-.build/debug/muster}")
out=${OUT:-docs/img}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
pids=()
agents=()
cleanup() {
    # The agents stop their jobs (--stop-jobs-on-exit) before the controller goes.
    for pid in "${agents[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 100); do
        alive=0
        for pid in "${agents[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${agents[@]}" "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/muster.toml" <<'TOML'
[team.vision]
guarantee = 40
[team.nlp]
guarantee = 40
borrow_limit = 16
[team.infra]
guarantee = 8
headroom = 4
TOML
"$muster" controller --data "$work/data" --listen 127.0.0.1:0 --port-file "$work/port" --config "$work/muster.toml" \
    --sample-interval 1 --heartbeat-timeout 4 >"$work/controller.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$work/port")
export MUSTER_URL=$url MUSTER_TOKEN_FILE=$work/data/token
token=$(cat "$work/data/token")
for i in $(seq 1 12); do
    name=$(printf 'gpu%02d' "$i")
    "$muster" agent --controller "$url" --name "$name" --fake-gpus 8 --join-token-file "$work/data/join.token" \
        --topology "leaf=leaf$(((i - 1) / 3)),spine=spine$(((i - 1) / 6))" --state-dir "$work/agent-$name" \
        --stop-jobs-on-exit >"$work/agent-$name.log" 2>&1 &
    agents+=($!)
    [ "$i" = 11 ] && doomed=$!
done
until [ "$("$muster" nodes --json | python3 -c 'import json,sys; print(sum(n["state"]=="up" for n in json.load(sys.stdin)["nodes"]))')" = 12 ]; do
    sleep 0.5
done
# A drained node, and a node whose agent dies (before it runs anything: its jobs would outlive it).
"$muster" drain gpu12 --reason "ECC errors on GPU 3" >/dev/null
kill -9 "$doomed"
cd "$work"
sub() { "$muster" submit --parsable "$@"; }
sub --gpus 2 --team vision --name finetune-vit -- sh -c 'echo done' >/dev/null
sub --gpus 1 --team nlp --name tokenizer-check -- sh -c 'echo "bad vocab file"; exit 3' >/dev/null
sleep 4
sub --gpus 24 --gpus-per-node 8 --team vision --name train-resnet --time 2h -- sleep 3600 >/dev/null
sleep 6
llm=$(sub --gpus 16 --gpus-per-node 8 --team nlp --name pretrain-llm --time 4h -- \
    sh -c 'for s in $(seq 1 100000); do echo "rank $RANK step $s loss $(awk "BEGIN{print 3/(1+$s/50)}")"; sleep 1; done')
sleep 6
for n in 1 2 3; do sub --gpus 2 --team vision --name "sweep-lr-$n" --time 1h -- sleep 3600 >/dev/null; done
sub --gpus 4 --team nlp --name eval-harness -- sleep 3600 >/dev/null
(cd "$work" && "$muster" serve web --replicas 2 --gpus-per-node 1 --team infra --ready-path / --health-path / -- \
    sh -c 'exec python3 -m http.server "$MUSTER_PORT" --bind 127.0.0.1' >/dev/null)
sleep 6
sub --gpus 32 --gpus-per-node 8 --team nlp --name pretrain-70b --time 8h -- sleep 3600 >/dev/null
sub --gpus 8 --gpus-per-node 8 --team vision --afterok "$llm" --name distill -- sleep 60 >/dev/null
# Requests through the router for the service's latency.
for _ in $(seq 1 60); do
    curl -s --max-time 5 -o /dev/null -H "Authorization: Bearer $token" "$url/s/web/" || true
    sleep 0.1
done
sleep 8
shot() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1000 \
        --virtual-time-budget=5000 --screenshot="$out/dashboard-$1.png" "$url/ui$2" 2>/dev/null
}
cd - >/dev/null
shot login ""
shot cluster "#/cluster?token=$token"
shot queue "#/queue?token=$token"
shot job "#/job/$llm?token=$token"
shot teams "#/teams?token=$token"
shot services "#/services?token=$token"
shot utilisation "#/utilisation?token=$token"
shot node "#/node/gpu12?token=$token"
ls -l "$out"/dashboard-*.png
