/// The OpenAPI 3.1 description of the HTTP API, served at `GET /v1/openapi.json`. Written by hand; tests check
/// that its paths are exactly the routes the controller registers and that its schemas match the Codable types
/// (`OpenAPISchemaTests`); schemathesis fuzzes the controller from it in CI.
public enum OpenAPIDocument {
    /// The document as JSON text.
    public static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Muster controller API",
            "version": "1.0.0",
            "description": "Submit and inspect jobs, list nodes; node agents register, heartbeat, long-poll for assignments and report. Errors are {\"error\": {\"code\", \"message\", \"field\"}}."
          },
          "paths": {
            "/healthz": {
              "get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}
            },
            "/metrics": {
              "get": {
                "summary": "Prometheus metrics (text format 0.0.4): queue depth, GPUs by model and use, nodes, scheduler passes, job starts and ends, preemptions, API latency and errors by route, heartbeat lag, store commits",
                "responses": {"200": {"description": "the metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/openapi.json": {
              "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI JSON"}}}
            },
            "/v1/jobs": {
              "post": {
                "summary": "Submit a job; answered 201 only once it is durable",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitRequest"}}}},
                "responses": {
                  "201": {"description": "stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitResponse"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "422": {"$ref": "#/components/responses/Error"}
                }
              },
              "get": {
                "summary": "List jobs, oldest first (ended ones from the store once the controller has forgotten them)",
                "parameters": [
                  {"name": "state", "in": "query", "schema": {"type": "string"}, "description": "comma-separated states"},
                  {"name": "team", "in": "query", "schema": {"type": "string"}},
                  {"name": "ended_since", "in": "query", "schema": {"type": "number"}, "description": "with state: also terminal jobs that ended after this Unix time"},
                  {"name": "limit", "in": "query", "schema": {"type": "integer"}, "description": "keep the newest N (a page), 1 to 100000; without it, every match up to 100000 ended ones (next_before pages on)"},
                  {"name": "before", "in": "query", "schema": {"type": "integer"}, "description": "only jobs with a smaller id: the previous page's next_before"},
                  {"name": "node", "in": "query", "schema": {"type": "string"}, "description": "only jobs whose current attempt holds this node"},
                  {"name": "user", "in": "query", "schema": {"type": "string"}, "description": "only this user's jobs"}
                ],
                "responses": {
                  "200": {"description": "jobs", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/jobs/changes": {
              "get": {
                "summary": "The jobs that changed after change `after` (a list's or the last answer's seq), waiting up to `wait` ms for one",
                "parameters": [
                  {"name": "after", "in": "query", "schema": {"type": "integer"}, "description": "0 or more"},
                  {"name": "wait", "in": "query", "schema": {"type": "integer"}, "description": "0 to 60000 milliseconds"}
                ],
                "responses": {
                  "200": {"description": "the changed jobs", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobChanges"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/jobs/{id}": {
              "get": {
                "summary": "One job",
                "parameters": [{"$ref": "#/components/parameters/JobID"}],
                "responses": {
                  "200": {"description": "the job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobInfo"}}}},
                  "404": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/jobs/{id}/cancel": {
              "post": {
                "summary": "Cancel a pending or running job (SIGTERM, grace, SIGKILL)",
                "parameters": [{"$ref": "#/components/parameters/JobID"}],
                "responses": {
                  "200": {"description": "the cancelled job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobInfo"}}}},
                  "404": {"$ref": "#/components/responses/Error"},
                  "409": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/jobs/{id}/steps": {
              "post": {
                "summary": "Launch a step (srun) over the running job's allocation. Authorized by the job's step token ($MUSTER_STEP_TOKEN, this job's current attempt only) or by its owner's or an admin's API token",
                "parameters": [{"$ref": "#/components/parameters/JobID"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StepLaunchRequest"}}}},
                "responses": {
                  "201": {"description": "the step, recorded and sent to the agents", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StepInfo"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Error"},
                  "403": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"},
                  "409": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/jobs/{id}/steps/{step}": {
              "get": {
                "summary": "One step of the job's current attempt (step token or API token, as for launching)",
                "parameters": [{"$ref": "#/components/parameters/JobID"}, {"$ref": "#/components/parameters/StepID"}],
                "responses": {
                  "200": {"description": "the step", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StepInfo"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "403": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/jobs/{id}/logs": {
              "get": {
                "summary": "A slice of one rank's output, or with step of one step task's (then a step token may read it)",
                "parameters": [
                  {"$ref": "#/components/parameters/JobID"},
                  {"name": "rank", "in": "query", "schema": {"type": "integer", "default": 0}, "description": "the rank, or with step the task (SLURM_PROCID)"},
                  {"name": "step", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "a step of the current attempt"},
                  {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}}
                ],
                "responses": {
                  "200": {"description": "log chunk", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LogChunk"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/teams": {
              "get": {
                "summary": "Teams: guarantee, limits, GPUs used, borrowed and lent, fair-share factor; and the classes",
                "responses": {"200": {"description": "teams", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TeamList"}}}}}
              }
            },
            "/v1/utilisation": {
              "get": {
                "summary": "The controller's recent utilisation samples, oldest first (GPUs busy, nodes up, jobs running and pending; one every --sample-interval seconds, the last 360 kept in memory)",
                "responses": {"200": {"description": "samples", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UtilisationList"}}}}, "401": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/admin/reload": {
              "post": {
                "summary": "Read the config file again (admins); a bad file is refused with its line and reason and the running config stays",
                "responses": {"200": {"description": "reloaded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReloadResponse"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/nodes": {
              "get": {
                "summary": "Nodes and their free GPUs, in name order, filtered and paged on the server",
                "parameters": [
                  {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["up", "drained", "down", "returning"]}},
                  {"name": "leaf", "in": "query", "schema": {"type": "string"}},
                  {"name": "after", "in": "query", "schema": {"type": "string"}, "description": "the previous page's next_after"},
                  {"name": "limit", "in": "query", "schema": {"type": "integer"}, "description": "a page of at most N"}
                ],
                "responses": {
                  "200": {"description": "nodes", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeList"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/leaves": {
              "get": {
                "summary": "Every leaf block summed (nodes, GPUs, free GPUs, nodes by state): the dashboard's map of a large cluster",
                "responses": {
                  "200": {"description": "leaf blocks by spine then name", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeafList"}}}}
                }
              }
            },
            "/v1/nodes/{name}": {
              "get": {
                "summary": "One node with its free GPUs, running jobs and drain reason",
                "parameters": [{"$ref": "#/components/parameters/NodeName"}],
                "responses": {"200": {"description": "the node", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/nodes/{name}/drain": {
              "post": {
                "summary": "Drain a node (admins): no new work; with now, its running jobs are stopped (requeued if they may be)",
                "parameters": [{"$ref": "#/components/parameters/NodeName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DrainRequest"}}}},
                "responses": {"200": {"description": "the node", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/nodes/{name}/resume": {
              "post": {
                "summary": "Resume a drained node (admins)",
                "parameters": [{"$ref": "#/components/parameters/NodeName"}],
                "responses": {"200": {"description": "the node", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeInfo"}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/services": {
              "post": {
                "summary": "Start a service: replicated model servers behind the router at /s/NAME/ (muster serve)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceRequest"}}}},
                "responses": {"201": {"description": "the service", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
              },
              "get": {
                "summary": "The services the caller may see",
                "responses": {"200": {"description": "services by name", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceList"}}}}, "401": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/services/{name}": {
              "get": {
                "summary": "One service with its replicas, load and history",
                "parameters": [{"$ref": "#/components/parameters/ServiceName"}],
                "responses": {"200": {"description": "the service", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/services/{name}/scale": {
              "post": {
                "summary": "Set a service's replica count (muster scale)",
                "parameters": [{"$ref": "#/components/parameters/ServiceName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScaleRequest"}}}},
                "responses": {"200": {"description": "the service", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/services/{name}/rollout": {
              "post": {
                "summary": "Roll a service out to a new replica, one replica at a time, rolled back if a new one fails (muster rollout)",
                "parameters": [{"$ref": "#/components/parameters/ServiceName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RolloutRequest"}}}},
                "responses": {"200": {"description": "the service", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/services/{name}/stop": {
              "post": {
                "summary": "Stop a service: its replicas are cancelled (muster stop)",
                "parameters": [{"$ref": "#/components/parameters/ServiceName"}],
                "responses": {"200": {"description": "the service", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInfo"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/agents/register": {
              "post": {
                "summary": "A node agent registers its inventory",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegisterAgentRequest"}}}},
                "responses": {
                  "200": {"description": "registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegisterAgentResponse"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/agents/{name}/heartbeat": {
              "post": {
                "summary": "Agent heartbeat with the tasks it runs and unacknowledged reports; answers tasks to kill",
                "parameters": [{"$ref": "#/components/parameters/NodeName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Heartbeat"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HeartbeatResponse"}}}}}
              }
            },
            "/v1/agents/{name}/assignments": {
              "get": {
                "summary": "Long-poll for the node's assignments and kills",
                "parameters": [
                  {"$ref": "#/components/parameters/NodeName"},
                  {"name": "wait", "in": "query", "schema": {"type": "number"}, "description": "milliseconds to wait for something (at most 60000)"},
                  {"name": "after", "in": "query", "schema": {"type": "integer"}, "description": "last seq received: acknowledges it"},
                  {"name": "instance", "in": "query", "schema": {"type": "string"}, "description": "controller instance that numbered after"}
                ],
                "responses": {
                  "200": {"description": "batch", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssignmentBatch"}}}},
                  "404": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/agents/{name}/reports": {
              "post": {
                "summary": "Tasks started or exited on the node",
                "parameters": [{"$ref": "#/components/parameters/NodeName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportBatch"}}}},
                "responses": {"200": {"description": "applied"}, "404": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/agents/{name}/logs": {
              "post": {
                "summary": "A piece of a rank's output, uploaded by the agent that runs it",
                "parameters": [{"$ref": "#/components/parameters/NodeName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LogUpload"}}}},
                "responses": {"200": {"description": "stored"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
              }
            },
            "/v1/history": {
              "get": {
                "summary": "Ended jobs, newest first, from the store (sacct): users see their own, admins anyone's",
                "parameters": [
                  {"name": "user", "in": "query", "schema": {"type": "string", "minLength": 1, "maxLength": 128}},
                  {"name": "team", "in": "query", "schema": {"type": "string", "minLength": 1, "maxLength": 128}},
                  {"name": "state", "in": "query", "description": "comma-separated end states", "schema": {"type": "string", "pattern": "^(completed|failed|cancelled|preempted)(,(completed|failed|cancelled|preempted))*$"}},
                  {"name": "since", "in": "query", "description": "ended at or after (seconds since 1970)", "schema": {"type": "number", "minimum": 0, "maximum": 253402300800}},
                  {"name": "until", "in": "query", "description": "ended before (seconds since 1970)", "schema": {"type": "number", "minimum": 0, "maximum": 253402300800}},
                  {"name": "before", "in": "query", "description": "ids below this one (the previous page's next_before)", "schema": {"type": "integer"}},
                  {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}}
                ],
                "responses": {
                  "200": {"description": "one page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HistoryList"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/usage": {
              "get": {
                "summary": "Ended jobs' GPU-hours and energy by team or user over a window (sreport): users get their own",
                "parameters": [
                  {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["team", "user"]}},
                  {"name": "since", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 253402300800}},
                  {"name": "until", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 253402300800}}
                ],
                "responses": {
                  "200": {"description": "totals", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UsageList"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/relays/{relay}/heartbeats": {
              "post": {
                "summary": "The heartbeats of a relay's nodes, sent together (join token); one answer per beat, in order",
                "parameters": [{"$ref": "#/components/parameters/RelayName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RelayHeartbeats"}}}},
                "responses": {
                  "200": {"description": "applied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RelayHeartbeatsAnswer"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/relays/{relay}/reports": {
              "post": {
                "summary": "Task reports of a relay's nodes, sent together (join token)",
                "parameters": [{"$ref": "#/components/parameters/RelayName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RelayReports"}}}},
                "responses": {
                  "200": {"description": "applied; the nodes not known", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RelayUnknownNodes"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/relays/{relay}/poll": {
              "post": {
                "summary": "One long-poll for all of a relay's nodes (join token): their new mailbox items, numbered",
                "parameters": [{"$ref": "#/components/parameters/RelayName"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RelayPoll"}}}},
                "responses": {
                  "200": {"description": "new items", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RelayPollAnswer"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/admin/tokens": {
              "post": {
                "summary": "Create an API token (admins only); the token is shown once",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}}},
                "responses": {
                  "201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}
                }
              }
            }
          },
          "security": [{"bearer": []}],
          "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "user/admin API token; agents: the join token to register, then their node's agent token"}},
            "parameters": {
              "JobID": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}},
              "StepID": {"name": "step", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}},
              "NodeName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
              "RelayName": {"name": "relay", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9._-]+$"}},
              "ServiceName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 63}}
            },
            "responses": {
              "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            },
            "schemas": {
              "ErrorBody": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}}},
              "SubmitRequest": {"type": "object", "required": ["gpus", "command", "workdir"], "additionalProperties": false, "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 128}, "gpus": {"type": "integer", "minimum": 0, "maximum": 2097152},
                "nodes": {"type": "integer", "minimum": 1, "maximum": 262144},
                "gpus_per_node": {"type": "integer", "minimum": 0, "maximum": 64}, "tasks_per_node": {"type": "integer", "minimum": 1, "maximum": 1024},
                "cpus_per_node": {"type": "integer", "minimum": 0, "maximum": 1048576}, "memory_mib_per_node": {"type": "integer", "minimum": 0, "maximum": 2147483647},
                "time_limit": {"type": "integer", "minimum": 1, "maximum": 31536000, "description": "seconds, at most one year"},
                "team": {"type": "string", "minLength": 1, "maxLength": 128},
                "priority": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "description": "a class of the config (default: inference, production, research, best-effort; low, normal, high, critical map onto them); muster teams and the config file list them"},
                "command": {"type": "array", "maxItems": 4096, "items": {"type": "string"}}, "script": {"type": "string", "maxLength": 1048576},
                "workdir": {"type": "string", "pattern": "^/", "maxLength": 4096}, "env": {"type": "object", "additionalProperties": {"type": "string"}},
                "output": {"type": "string", "minLength": 1, "maxLength": 4096}, "export": {"type": "string", "enum": ["all", "none"]},
                "dependencies": {"type": "array", "maxItems": 64, "items": {"$ref": "#/components/schemas/DependencyInfo"}, "description": "jobs of the submitter's to wait on; the job is held until all are satisfied, cancelled if one never can be"},
                "array": {"type": "string", "maxLength": 4096, "description": "sbatch --array: 0-999%50, 1,3,5-7, 0-15:4; at most 10000 tasks, indices 0 to 1000000, %N caps tasks queued or running at once"},
                "max_restarts": {"type": "integer", "minimum": 0, "maximum": 100, "description": "requeues after failures not the job's own (node down, lost start); default 0"},
                "no_requeue": {"type": "boolean", "description": "when preempted, end as preempted instead of going back to the queue"},
                "gpu_model": {"type": "string", "minLength": 1, "maxLength": 128, "description": "the GPU model to run on, one of the cluster's (any case); absent: any model"}}},
              "DependencyInfo": {"type": "object", "additionalProperties": false, "required": ["type", "job_id"], "properties": {
                "type": {"type": "string", "enum": ["after", "afterok", "afternotok", "afterany"], "description": "after: it started; afterok: it completed; afternotok: it failed or was cancelled; afterany: it ended"},
                "job_id": {"type": "integer", "minimum": 1}}},
              "SubmitResponse": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "count": {"type": "integer", "description": "an array's tasks: ids id to id+count-1"}}},
              "PlacementEntry": {"type": "object", "properties": {"node": {"type": "string"}, "gpus": {"type": "array", "items": {"type": "integer"}}}},
              "JobInfo": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "owner": {"type": "string"}, "master_port": {"type": "integer"},
                "state": {"type": "string", "enum": ["pending", "running", "completed", "failed", "cancelled", "preempted"]},
                "team": {"type": "string"}, "priority": {"type": "string"}, "gpus": {"type": "integer"}, "nodes": {"type": "integer"},
                "gpus_per_node": {"type": "integer"}, "tasks_per_node": {"type": "integer"}, "time_limit": {"type": "integer"},
                "command": {"type": "array", "items": {"type": "string"}}, "is_script": {"type": "boolean"}, "workdir": {"type": "string"},
                "output": {"type": "string"}, "placement": {"type": "array", "items": {"$ref": "#/components/schemas/PlacementEntry"}},
                "submit_time": {"type": "number"}, "scheduled_time": {"type": "number"}, "start_time": {"type": "number"},
                "end_time": {"type": "number"}, "exit_code": {"type": "integer"}, "reason": {"type": "string"}, "epoch": {"type": "integer"},
                "dependencies": {"type": "array", "items": {"$ref": "#/components/schemas/DependencyInfo"}},
                "array_job_id": {"type": "integer"}, "array_task_id": {"type": "integer"},
                "restarts": {"type": "integer"}, "max_restarts": {"type": "integer"},
                "preemptions": {"type": "integer"}, "preempted_by": {"type": "integer"}, "preempted_at": {"type": "number"},
                "preemption_reason": {"type": "string"}, "no_requeue": {"type": "boolean"}, "gpu_model": {"type": "string"},
                "energy_wh": {"type": "number", "description": "watt-hours its attempts used so far, modelled: each GPU at an H100's typical 600 W plus its share of the node's other parts (1,175 W per GPU)"},
                "last_checkpoint": {"type": "number", "description": "when the running attempt last wrote to MUSTER_CHECKPOINT_DIR (Unix seconds); preemption prefers victims that lose the least since"},
                "steps": {"type": "array", "items": {"$ref": "#/components/schemas/StepInfo"}, "description": "the steps (srun) of its current attempt, oldest first; only in GET /v1/jobs/{id}"}}},
              "StepLaunchRequest": {"type": "object", "required": ["command", "workdir", "env"], "additionalProperties": false, "properties": {
                "command": {"type": "array", "minItems": 1, "maxItems": 4096, "items": {"type": "string"}, "description": "run without a shell, looked up in env's PATH"},
                "workdir": {"type": "string", "description": "absolute"},
                "env": {"type": "object", "additionalProperties": {"type": "string"}, "description": "srun's environment (at most 4096 variables, 2 MiB), inherited by every task"},
                "nodes": {"type": "integer", "minimum": 1, "maximum": 262144, "description": "-N: the first nodes of the allocation (or of nodelist); default all"},
                "tasks": {"type": "integer", "minimum": 1, "maximum": 268435456, "description": "-n: tasks in all, spread in blocks; default nodes x the job's tasks per node"},
                "tasks_per_node": {"type": "integer", "minimum": 1, "maximum": 1024},
                "nodelist": {"type": "array", "minItems": 1, "items": {"type": "string", "maxLength": 64}, "description": "-w: nodes of the allocation"},
                "gpus_per_task": {"type": "integer", "minimum": 1, "maximum": 64, "description": "each task its own GPUs of the node; default every GPU the job holds there"},
                "cpus_per_task": {"type": "integer", "minimum": 1, "maximum": 4096, "description": "set as SLURM_CPUS_PER_TASK"}}},
              "StepTaskInfo": {"type": "object", "required": ["node"], "properties": {"node": {"type": "string"}, "exit_code": {"type": "integer", "description": "once it exited; -1 when lost"}}},
              "StepInfo": {"type": "object", "required": ["id", "job_id", "state", "command", "nodes", "tasks", "launch_time"], "properties": {
                "id": {"type": "integer", "minimum": 0, "description": "SLURM_STEP_ID"}, "job_id": {"type": "integer"},
                "state": {"type": "string", "enum": ["running", "completed", "failed"]},
                "command": {"type": "array", "items": {"type": "string"}}, "nodes": {"type": "array", "items": {"type": "string"}},
                "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/StepTaskInfo"}, "description": "in SLURM_PROCID order"},
                "launch_time": {"type": "number"}, "end_time": {"type": "number"},
                "exit_code": {"type": "integer", "description": "once every task exited: the highest task exit code, as srun's"}}},
              "JobList": {"type": "object", "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/JobInfo"}}, "next_before": {"type": "integer"}, "seq": {"type": "integer"}}},
              "JobChanges": {"type": "object", "required": ["seq", "reset", "jobs"], "properties": {"seq": {"type": "integer"}, "reset": {"type": "boolean"}, "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/JobInfo"}}}},
              "NodeInfo": {"type": "object", "properties": {
                "name": {"type": "string"}, "state": {"type": "string", "enum": ["up", "down", "returning", "drained"]}, "address": {"type": "string"}, "drain_reason": {"type": "string"},
                "gpus": {"type": "integer"}, "free_gpus": {"type": "integer"}, "gpu_model": {"type": "string"}, "cpus": {"type": "integer"},
                "memory_mib": {"type": "integer"}, "leaf": {"type": "string"}, "spine": {"type": "string"},
                "last_heartbeat": {"type": "number"}, "running_jobs": {"type": "array", "items": {"type": "integer"}},
                "spare": {"type": "boolean", "description": "a hot spare ([spares] in the config): held back for gangs a failure interrupts"}}},
              "LeafList": {"type": "object", "required": ["leaves"], "properties": {"leaves": {"type": "array", "items": {"type": "object", "required": ["leaf", "spine", "nodes", "gpus", "free_gpus", "used_gpus", "up", "drained", "down", "spare", "busy"], "properties": {"leaf": {"type": "string"}, "spine": {"type": "string"}, "nodes": {"type": "integer"}, "gpus": {"type": "integer"}, "free_gpus": {"type": "integer", "description": "on schedulable nodes"}, "used_gpus": {"type": "integer", "description": "allocated on schedulable nodes"}, "up": {"type": "integer"}, "drained": {"type": "integer"}, "down": {"type": "integer", "description": "down or returning"}, "spare": {"type": "integer"}, "busy": {"type": "integer", "description": "nodes a running job holds"}}}}}},
              "NodeList": {"type": "object", "properties": {"nodes": {"type": "array", "items": {"$ref": "#/components/schemas/NodeInfo"}}, "next_after": {"type": "string"}, "counts": {"type": "object", "description": "nodes of the whole cluster by state", "additionalProperties": {"type": "integer"}}}},
              "GPUInfo": {"type": "object", "additionalProperties": false, "required": ["index", "model", "memory_mib", "uuid"], "properties": {"index": {"type": "integer"}, "model": {"type": "string"}, "memory_mib": {"type": "integer"}, "uuid": {"type": "string"}}},
              "RegisterAgentRequest": {"type": "object", "additionalProperties": false, "required": ["name", "gpus", "cpus", "memory_mib", "leaf", "spine", "address", "instance"], "properties": {
                "name": {"type": "string"}, "gpus": {"type": "array", "items": {"$ref": "#/components/schemas/GPUInfo"}}, "cpus": {"type": "integer"},
                "memory_mib": {"type": "integer"}, "leaf": {"type": "string"}, "spine": {"type": "string"}, "address": {"type": "string"}, "instance": {"type": "string"}}},
              "RegisterAgentResponse": {"type": "object", "properties": {"heartbeat_interval": {"type": "number"}, "controller_instance": {"type": "string"}, "agent_token": {"type": "string"}}},
              "LogUpload": {"type": "object", "additionalProperties": false, "required": ["task", "offset", "data"], "properties": {"task": {"$ref": "#/components/schemas/TaskKey"}, "offset": {"type": "integer", "minimum": 0}, "data": {"type": "string", "contentEncoding": "base64"}}},
              "ServiceRequest": {"type": "object", "additionalProperties": false, "required": ["name", "replica"], "properties": {
                "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,62}$", "description": "part of the service's URL, /s/NAME/"},
                "replica": {"$ref": "#/components/schemas/SubmitRequest", "description": "one replica, as a job request without array, dependencies, max_restarts or no_requeue; priority defaults to serving"},
                "replicas": {"type": "integer", "minimum": 0, "maximum": 1000, "description": "a fixed count (default 1)"},
                "min_replicas": {"type": "integer", "minimum": 0, "maximum": 1000}, "max_replicas": {"type": "integer", "minimum": 0, "maximum": 1000},
                "target_inflight": {"type": "number", "minimum": 0.1, "maximum": 10000, "description": "in-flight requests a replica is sized for (autoscaling, default 4)"},
                "max_inflight": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "requests one replica serves at once (default 16)"},
                "max_queue": {"type": "integer", "minimum": 0, "maximum": 100000, "description": "requests the router holds beyond that before 503 (default 256)"},
                "ready_path": {"type": "string", "maxLength": 256, "description": "probed for readiness (default /readyz)"},
                "health_path": {"type": "string", "maxLength": 256, "description": "probed for liveness once ready (default /healthz)"},
                "startup_deadline": {"type": "number", "minimum": 1, "maximum": 86400, "description": "seconds a replica has to become ready (default 600)"}}},
              "RolloutRequest": {"type": "object", "additionalProperties": false, "required": ["replica"], "properties": {"replica": {"$ref": "#/components/schemas/SubmitRequest"}}},
              "ScaleRequest": {"type": "object", "additionalProperties": false, "required": ["replicas"], "properties": {"replicas": {"type": "integer", "minimum": 0, "maximum": 1000}}},
              "ReplicaInfo": {"type": "object", "properties": {"index": {"type": "integer"}, "job": {"type": "integer"}, "state": {"type": "string"}, "ready": {"type": "boolean"}, "node": {"type": "string"}, "port": {"type": "integer"}, "inflight": {"type": "integer"}}},
              "ServiceInfo": {"type": "object", "properties": {
                "name": {"type": "string"}, "owner": {"type": "string"}, "state": {"type": "string", "enum": ["running", "stopped"]}, "url": {"type": "string"},
                "desired": {"type": "integer"}, "ready": {"type": "integer"}, "min_replicas": {"type": "integer"}, "max_replicas": {"type": "integer"},
                "target_inflight": {"type": "number"}, "max_inflight": {"type": "integer"}, "max_queue": {"type": "integer"}, "inflight": {"type": "integer"}, "queued": {"type": "integer"},
                "gpus_per_replica": {"type": "integer"}, "class": {"type": "string"}, "team": {"type": "string"},
                "replicas": {"type": "array", "items": {"$ref": "#/components/schemas/ReplicaInfo"}},
                "events": {"type": "array", "items": {"type": "object", "properties": {"time": {"type": "number"}, "text": {"type": "string"}}}},
                "requests_last_minute": {"type": "integer", "minimum": 0, "description": "requests its replicas answered through the router in the last minute; absent when none"},
                "latency_p50_ms": {"type": "number", "minimum": 0, "description": "their median latency, queueing in the router included"},
                "latency_p99_ms": {"type": "number", "minimum": 0, "description": "their 99th percentile latency"}}},
              "UtilisationSample": {"type": "object", "required": ["time", "gpus", "busy_gpus", "nodes_up", "running_jobs", "pending_jobs"], "properties": {
                "time": {"type": "number", "description": "Unix seconds"}, "gpus": {"type": "integer", "minimum": 0, "description": "GPUs on nodes that are up"},
                "busy_gpus": {"type": "integer", "minimum": 0, "description": "GPUs held by running jobs"}, "nodes_up": {"type": "integer", "minimum": 0},
                "running_jobs": {"type": "integer", "minimum": 0}, "pending_jobs": {"type": "integer", "minimum": 0}}},
              "UtilisationList": {"type": "object", "required": ["interval", "samples"], "properties": {"interval": {"type": "number", "description": "seconds between two samples"}, "samples": {"type": "array", "items": {"$ref": "#/components/schemas/UtilisationSample"}}}},
              "ServiceList": {"type": "object", "properties": {"services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceInfo"}}}},
              "DrainRequest": {"type": "object", "additionalProperties": false, "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 256}, "now": {"type": "boolean"}}},
              "TokenRequest": {"type": "object", "additionalProperties": false, "required": ["user"], "properties": {"user": {"type": "string", "minLength": 1, "maxLength": 64}, "role": {"type": "string", "enum": ["user", "admin", "join"]}}},
              "TokenResponse": {"type": "object", "properties": {"token": {"type": "string"}, "user": {"type": "string"}, "role": {"type": "string"}}},
              "TaskKey": {"type": "object", "additionalProperties": false, "required": ["job_id", "epoch", "rank"], "properties": {"job_id": {"type": "integer"}, "epoch": {"type": "integer"}, "rank": {"type": "integer", "description": "the rank, or a step task's SLURM_PROCID"}, "step": {"type": "integer", "minimum": 0, "description": "the step of a step task; absent for a rank of the job"}}},
              "TaskReport": {"type": "object", "additionalProperties": false, "required": ["task", "event", "time"], "properties": {"task": {"$ref": "#/components/schemas/TaskKey"}, "event": {"type": "string", "enum": ["started", "exited"]},
                "time": {"type": "number"}, "exit_code": {"type": "integer"}, "reason": {"type": "string"}}},
              "ReportBatch": {"type": "object", "additionalProperties": false, "required": ["reports"], "properties": {"reports": {"type": "array", "items": {"$ref": "#/components/schemas/TaskReport"}}}},
              "TaskKill": {"type": "object", "properties": {"job_id": {"type": "integer"}, "epoch": {"type": "integer"}, "reason": {"type": "string"}, "grace": {"type": "number"}, "preempt": {"type": "boolean"}}},
              "TeamInfo": {"type": "object", "properties": {"name": {"type": "string"}, "guarantee": {"type": "integer"}, "borrow_limit": {"type": "integer"},
                "lend_limit": {"type": "integer"}, "headroom": {"type": "integer"}, "service_gpus": {"type": "integer"}, "using": {"type": "integer"}, "borrowed": {"type": "integer"}, "lent": {"type": "integer"},
                "fair_share": {"type": "number"}, "pending_jobs": {"type": "integer"}, "is_leaf": {"type": "boolean"},
                "models": {"type": "array", "items": {"$ref": "#/components/schemas/TeamModelInfo"}, "description": "guarantees of single GPU models (guarantee.MODEL in the config) and their use by jobs that asked for the model"}}},
              "TeamModelInfo": {"type": "object", "properties": {"model": {"type": "string"}, "guarantee": {"type": "integer"}, "using": {"type": "integer"}, "borrowed": {"type": "integer"}}},
              "TeamList": {"type": "object", "properties": {"teams": {"type": "array", "items": {"$ref": "#/components/schemas/TeamInfo"}},
                "classes": {"type": "array", "items": {"type": "string"}}, "lending": {"type": "boolean"}, "preemption": {"type": "boolean"}}},
              "ReloadResponse": {"type": "object", "properties": {"config": {"type": "string"}, "teams": {"type": "integer"}, "classes": {"type": "array", "items": {"type": "string"}}}},
              "Heartbeat": {"type": "object", "additionalProperties": false, "required": ["name", "instance", "running", "reports"], "properties": {"name": {"type": "string"}, "instance": {"type": "string"},
                "running": {"type": "array", "items": {"$ref": "#/components/schemas/TaskKey"}}, "reports": {"type": "array", "items": {"$ref": "#/components/schemas/TaskReport"}},
                "health_failure": {"type": "string", "maxLength": 4096, "description": "why the node's health check fails; the controller drains it and stops its jobs"},
                "checkpoints": {"type": "array", "items": {"$ref": "#/components/schemas/CheckpointReport"}, "description": "checkpoints written since the last heartbeat: the newest modification time in each running rank's MUSTER_CHECKPOINT_DIR"},
                "time": {"type": "number", "description": "when the agent took running (its clock, seconds since 1970); a rank that started later is not missing"}}},
              "CheckpointReport": {"type": "object", "additionalProperties": false, "required": ["task", "time"], "properties": {"task": {"$ref": "#/components/schemas/TaskKey"}, "time": {"type": "number", "description": "Unix seconds, agent clock; bounded by the attempt's start and the controller's now"}}},
              "HeartbeatResponse": {"type": "object", "properties": {"kill": {"type": "array", "items": {"$ref": "#/components/schemas/TaskKill"}}, "reregister": {"type": "boolean"}, "interval": {"type": "number", "description": "seconds until the next heartbeat"}, "error": {"type": "string", "description": "why a relay's beat was refused"}}},
              "HistoryEntry": {"type": "object", "required": ["id", "user", "team", "class", "state", "submit_time", "end_time", "gpus", "nodes", "gpu_hours", "energy_wh", "restarts", "preemptions"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "user": {"type": "string"}, "team": {"type": "string"}, "class": {"type": "string"},
                "state": {"type": "string", "enum": ["completed", "failed", "cancelled", "preempted"]}, "submit_time": {"type": "number"}, "start_time": {"type": "number"},
                "end_time": {"type": "number"}, "gpus": {"type": "integer"}, "nodes": {"type": "array", "items": {"type": "string"}}, "gpu_hours": {"type": "number"},
                "energy_wh": {"type": "number"}, "restarts": {"type": "integer"}, "preemptions": {"type": "integer"}, "exit_code": {"type": "integer"}, "reason": {"type": "string"}}},
              "HistoryList": {"type": "object", "required": ["jobs"], "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryEntry"}}, "next_before": {"type": "integer"}}},
              "UsageEntry": {"type": "object", "required": ["key", "jobs", "gpu_hours", "energy_kwh"], "properties": {"key": {"type": "string"}, "jobs": {"type": "integer"}, "gpu_hours": {"type": "number"}, "energy_kwh": {"type": "number"}, "guarantee_share": {"type": "number"}}},
              "UsageList": {"type": "object", "required": ["by", "until", "rows"], "properties": {"by": {"type": "string", "enum": ["team", "user"]}, "since": {"type": "number"}, "until": {"type": "number"}, "rows": {"type": "array", "items": {"$ref": "#/components/schemas/UsageEntry"}}}},
              "RelayHeartbeats": {"type": "object", "additionalProperties": false, "required": ["beats"], "properties": {"beats": {"type": "array", "maxItems": 4096, "items": {"$ref": "#/components/schemas/Heartbeat"}}}},
              "RelayHeartbeatsAnswer": {"type": "object", "properties": {"answers": {"type": "array", "items": {"$ref": "#/components/schemas/HeartbeatResponse"}}}},
              "NodeReports": {"type": "object", "additionalProperties": false, "required": ["node", "reports"], "properties": {"node": {"type": "string"}, "reports": {"type": "array", "items": {"$ref": "#/components/schemas/TaskReport"}}}},
              "RelayReports": {"type": "object", "additionalProperties": false, "required": ["nodes"], "properties": {"nodes": {"type": "array", "maxItems": 4096, "items": {"$ref": "#/components/schemas/NodeReports"}}}},
              "RelayUnknownNodes": {"type": "object", "properties": {"unknown": {"type": "array", "items": {"type": "string"}}}},
              "RelayPollNode": {"type": "object", "additionalProperties": false, "required": ["node", "after", "known"], "properties": {"node": {"type": "string"}, "after": {"type": "integer"}, "instance": {"type": "string"}, "known": {"type": "integer"}, "known_instance": {"type": "string"}}},
              "RelayPoll": {"type": "object", "additionalProperties": false, "required": ["nodes", "wait_ms"], "properties": {"nodes": {"type": "array", "maxItems": 4096, "items": {"$ref": "#/components/schemas/RelayPollNode"}}, "wait_ms": {"type": "integer", "minimum": 0, "maximum": 60000}}},
              "RelayItem": {"type": "object", "properties": {"seq": {"type": "integer"}, "assignment": {"$ref": "#/components/schemas/Assignment"}, "kill": {"$ref": "#/components/schemas/TaskKill"}}},
              "RelayPollAnswer": {"type": "object", "properties": {"controller_instance": {"type": "string"}, "unknown": {"type": "array", "items": {"type": "string"}},
                "nodes": {"type": "array", "items": {"type": "object", "properties": {"node": {"type": "string"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/RelayItem"}}}}}}},
              "Assignment": {"type": "object", "properties": {"task": {"$ref": "#/components/schemas/TaskKey"}, "name": {"type": "string"}, "user": {"type": "string"}, "export": {"type": "string"}, "output": {"type": "string"},
                "argv": {"type": "array", "items": {"type": "string"}}, "script": {"type": "string"}, "workdir": {"type": "string"},
                "env": {"type": "object", "additionalProperties": {"type": "string"}},
                "time_limit": {"type": "integer"}, "grace": {"type": "number"}}},
              "AssignmentBatch": {"type": "object", "properties": {"controller_instance": {"type": "string"}, "seq": {"type": "integer"},
                "assignments": {"type": "array", "items": {"$ref": "#/components/schemas/Assignment"}}, "kill": {"type": "array", "items": {"$ref": "#/components/schemas/TaskKill"}}}},
              "LogChunk": {"type": "object", "properties": {"job_id": {"type": "integer"}, "rank": {"type": "integer"}, "offset": {"type": "integer"},
                "data": {"type": "string"}, "next_offset": {"type": "integer"}, "complete": {"type": "boolean"}, "path": {"type": "string"}}}
            }
          }
        }
        """#
}
