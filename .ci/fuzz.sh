#!/usr/bin/env bash
# Fuzzes the controller's API from its own OpenAPI document (schemathesis) and fails on any 5xx answer, a crash,
# or fewer requests than asked for. Three runs, one per kind of caller:
#   1. the admin token, every operation;
#   2. the join token, agent registration;
#   3. a registered node's agent token, that node's agent operations (long-polls answered at once).
# Each round draws new random cases; rounds repeat (at most 5) until MIN_REQUESTS have been sent.
# Usage: .ci/fuzz.sh PATH/TO/muster [EXAMPLES_PER_OPERATION] [MIN_REQUESTS]
set -euo pipefail
muster="$1"
examples="${2:-800}"
min_requests="${3:-0}"
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
"$muster" controller --data "$dir/data" --listen 127.0.0.1:0 --port-file "$dir/port" >"$dir/controller.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
port="$(cat "$dir/port")"
url="http://127.0.0.1:$port"
admin="$(cat "$dir/data/token")"
join="$(cat "$dir/data/join.token")"
# One node so that submits can be accepted (and then fuzzed further); its agent token drives run 3.
agent="$(curl -fsS -H "Authorization: Bearer $join" -H 'Content-Type: application/json' \
    -d '{"name":"n1","gpus":[{"index":0,"model":"X","memory_mib":1024,"uuid":"u"}],"cpus":8,"memory_mib":4096,"leaf":"l","spine":"s","address":"127.0.0.1","instance":"i"}' \
    "$url/v1/agents/register" | python3 -c 'import json, sys; print(json.load(sys.stdin)["agent_token"])')"
cat >"$dir/agent.toml" <<'TOML'
[[operations]]
include-path-regex = "^/v1/agents/\\{name\\}"
parameters = { name = "n1", wait = 0 }
TOML

total=0
failed=0
fuzz() { # NAME TOKEN [schemathesis options...]
    local name="$1" token="$2"
    shift 2
    local status
    for attempt in 1 2; do
        set +e
        schemathesis "$@" --header "Authorization: Bearer $token" --checks not_a_server_error \
            --max-examples "$examples" --workers 2 --request-timeout 60 --no-color >"$dir/$name.log" 2>&1
        status=$?
        set -e
        # Schemathesis's own runtime errors (no check failed, the controller alive) are shown and the round run
        # once more; a failed check, a dead controller or a second error fails the fuzz.
        if [ "$status" -ne 0 ] && [ "$attempt" -eq 1 ] && ! grep -q "Failures:" "$dir/$name.log" \
            && grep -q "Runtime Error" "$dir/$name.log" && kill -0 "$pid" 2>/dev/null; then
            echo "fuzz $name: schemathesis reported a runtime error of its own, no failed check; running it again:"
            sed -n '/= ERRORS =/,/= SUMMARY =/p' "$dir/$name.log" | head -60
            continue
        fi
        break
    done
    local count
    count=$(grep -aoE '[0-9]+ generated' "$dir/$name.log" | head -1 | grep -oE '[0-9]+' || echo 0)
    total=$((total + count))
    echo "fuzz $name: $count requests, schemathesis exit $status"
    if [ "$status" -ne 0 ]; then
        failed=1
        tail -40 "$dir/$name.log"
    fi
}
round=0
while [ "$round" -eq 0 ] || { [ "$total" -lt "$min_requests" ] && [ "$round" -lt 5 ]; }; do
    round=$((round + 1))
    fuzz "admin-$round" "$admin" run "$url/v1/openapi.json"
    fuzz "join-$round" "$join" run "$url/v1/openapi.json" --include-path /v1/agents/register
    fuzz "agent-$round" "$agent" --config-file "$dir/agent.toml" run "$url/v1/openapi.json" \
        --include-path-regex '^/v1/agents/\{name\}'
done

if ! kill -0 "$pid" 2>/dev/null; then
    echo "fuzz: the controller died"; tail -20 "$dir/controller.log"; exit 1
fi
echo "fuzz: $total requests in all; controller alive"

# Everything the API accepted is now in the data directory: a controller killed with SIGKILL and restarted on it
# must come up and serve it.
jobs_before=$(curl -fsS -H "Authorization: Bearer $admin" "$url/v1/jobs?limit=100000" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["jobs"]))')
{ kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true  # quietly: the shell would report "Killed"
rm -f "$dir/port"
"$muster" controller --data "$dir/data" --listen 127.0.0.1:0 --port-file "$dir/port" >>"$dir/controller.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$dir/port" 2>/dev/null || echo 1)"
jobs_after=$(curl -fsS -H "Authorization: Bearer $admin" "$url/v1/jobs?limit=100000" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["jobs"]))' || echo "none")
if [ "$jobs_after" != "$jobs_before" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "fuzz: after a restart on the fuzzed data directory the controller lists $jobs_after jobs, not $jobs_before"
    tail -20 "$dir/controller.log"
    exit 1
fi
echo "fuzz: restarted on the fuzzed data directory; all $jobs_after jobs there"
if [ "$total" -lt "$min_requests" ]; then
    echo "fuzz: fewer than the $min_requests requests asked for"; exit 1
fi
exit "$failed"
