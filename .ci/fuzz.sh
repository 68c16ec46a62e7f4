#!/usr/bin/env bash
# Fuzzes the controller's API from its own OpenAPI document (schemathesis), authenticated as the admin, and fails
# on any 5xx answer or crash. Usage: .ci/fuzz.sh PATH/TO/muster [EXAMPLES_PER_OPERATION]
set -euo pipefail
muster="$1"
examples="${2:-800}"
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
"$muster" controller --data "$dir/data" --listen 127.0.0.1:0 --port-file "$dir/port" >"$dir/controller.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
port="$(cat "$dir/port")"
token="$(cat "$dir/data/token")"
# One node so that submits can be accepted (and then fuzzed further).
join="$(cat "$dir/data/join.token")"
curl -fsS -o /dev/null -H "Authorization: Bearer $join" -H 'Content-Type: application/json' \
    -d '{"name":"n1","gpus":[{"index":0,"model":"X","memory_mib":1024,"uuid":"u"}],"cpus":8,"memory_mib":4096,"leaf":"l","spine":"s","address":"127.0.0.1","instance":"i"}' \
    "http://127.0.0.1:$port/v1/agents/register"
set +e
schemathesis run "http://127.0.0.1:$port/v1/openapi.json" --header "Authorization: Bearer $token" \
    --checks not_a_server_error --max-examples "$examples" --workers 2 --no-color 2>&1 | tee "$dir/fuzz.log" | tail -25
status=${PIPESTATUS[0]}
set -e
if ! kill -0 "$pid" 2>/dev/null; then
    echo "fuzz: the controller died"; tail -20 "$dir/controller.log"; exit 1
fi
requests=$(grep -aoE '[0-9]+ (test cases|generated)' "$dir/fuzz.log" | head -1 || true)
echo "fuzz: schemathesis exit $status; $requests; controller alive"
exit "$status"
