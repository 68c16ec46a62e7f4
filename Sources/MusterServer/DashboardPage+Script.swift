extension DashboardPage {
    /// The dashboard's program, served at `/ui/app.js`: plain JavaScript, no build step, nothing fetched but
    /// the controller's own API.
    static let script = #"""
        "use strict";
        // Muster's dashboard: plain JavaScript over the controller's JSON API, with the user's API token as Bearer.
        // Pages are routes of the URL fragment: #/cluster (#/cluster/LEAF: one leaf block's nodes), #/queue,
        // #/job/ID, #/node/NAME, #/teams, #/services, #/utilisation.
        // A fragment may carry a token (#/queue?token=...): it is moved to sessionStorage and dropped from the URL.

        const TOKEN_KEY = "muster-token";
        const REFRESH_MS = 2000;
        let timer = null;
        let logRank = 0;
        // The job whose Cancel was pressed once (a second press cancels it), and what the last action answered.
        let cancelArmed = null;
        let actionError = null;
        // The drain form while it is open ({ node, reason, now }): the page does not redraw under it.
        let drainDraft = null;
        // The page last drawn: an action's error is shown on its own page only.
        let drawn = "";
        let renderSeq = 0;

        function h(tag, attrs, ...children) {
          const el = document.createElementNS(
            ["svg", "path", "line", "text", "polyline", "rect", "g"].includes(tag) ? "http://www.w3.org/2000/svg"
              : "http://www.w3.org/1999/xhtml", tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false) continue;
            if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
            else el.setAttribute(k, v === true ? "" : String(v));
          }
          for (const c of children.flat()) {
            if (c === null || c === undefined || c === false) continue;
            el.append(c instanceof Node ? c : document.createTextNode(String(c)));
          }
          return el;
        }

        class Unauthorized extends Error {}

        async function api(path, method = "GET", payload = undefined) {
          const token = sessionStorage.getItem(TOKEN_KEY);
          if (!token) throw new Unauthorized("no token");
          const headers = { Authorization: "Bearer " + token };
          if (payload !== undefined) headers["Content-Type"] = "application/json";
          const response = await fetch(path, {
            method, headers, cache: "no-store", body: payload === undefined ? undefined : JSON.stringify(payload),
          });
          if (response.status === 401) throw new Unauthorized("the controller refused this token");
          const body = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error((body.error && body.error.message) || "HTTP " + response.status);
          return body;
        }

        function route() {
          let hash = location.hash.replace(/^#\/?/, "");
          const q = hash.indexOf("?");
          if (q >= 0) {
            const params = new URLSearchParams(hash.slice(q + 1));
            hash = hash.slice(0, q);
            if (params.get("token")) {
              sessionStorage.setItem(TOKEN_KEY, params.get("token"));
              history.replaceState(null, "", location.pathname + "#/" + hash);
            }
          }
          const parts = hash.split("/").filter((p) => p);
          return { page: parts[0] || "cluster", arg: parts[1] };
        }

        const pages = { cluster, queue, job, node, teams, services, utilisation };

        async function render() {
          clearTimeout(timer);
          const seq = ++renderSeq;
          const { page, arg } = route();
          if (page + "/" + (arg || "") !== drawn) {
            drawn = page + "/" + (arg || "");
            actionError = null;
          }
          const loggedIn = !!sessionStorage.getItem(TOKEN_KEY);
          document.getElementById("login").hidden = loggedIn;
          document.getElementById("nav").hidden = !loggedIn;
          document.getElementById("logout").hidden = !loggedIn;
          const target = document.getElementById("page");
          if (!loggedIn) {
            target.replaceChildren();
            document.body.dataset.page = "login";
            document.getElementById("login-token").focus();
            return;
          }
          for (const a of document.querySelectorAll("#nav a")) {
            a.classList.toggle("active", a.dataset.page === ({ job: "queue", node: "cluster" }[page] || page));
          }
          const status = document.getElementById("status");
          try {
            const content = await (pages[page] || cluster)(arg);
            if (seq !== renderSeq) return;
            const oldLog = document.getElementById("job-log");
            const atEnd = !oldLog || oldLog.scrollTop + oldLog.clientHeight >= oldLog.scrollHeight - 4;
            target.replaceChildren(content);
            // A log shows its newest lines unless the user scrolled up in it.
            const log = document.getElementById("job-log");
            if (log) log.scrollTop = atEnd ? log.scrollHeight : oldLog.scrollTop;
            document.body.dataset.page = page;
            document.body.dataset.loaded = String(seq);
            status.textContent = "updated " + new Date().toLocaleTimeString();
            status.classList.remove("error");
          } catch (error) {
            if (seq !== renderSeq) return;
            if (error instanceof Unauthorized) {
              sessionStorage.removeItem(TOKEN_KEY);
              document.getElementById("login-error").textContent = error.message;
              return render();
            }
            status.textContent = "error: " + error.message;
            status.classList.add("error");
          }
          // An open drain form is not redrawn under the user's typing.
          if (!(page === "node" && drainDraft)) timer = setTimeout(render, REFRESH_MS);
        }

        // ---- formatting ----

        function ago(t) {
          if (!t) return "";
          return duration(Date.now() / 1000 - t);
        }

        function duration(s) {
          s = Math.max(0, Math.round(s));
          if (s < 60) return s + " s";
          if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
          return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
        }

        function clock(t) {
          return t ? new Date(t * 1000).toLocaleTimeString() : "";
        }

        function fact(label, value) {
          return [h("dt", {}, label), h("dd", {}, value === undefined || value === null ? "" : value)];
        }

        function badge(state) {
          return h("span", { class: "badge " + state }, state);
        }

        function stat(value, label) {
          return h("div", { class: "card stat" }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));
        }

        function bar(used, whole, mark) {
          const b = h("div", { class: "bar", title: used + " of " + whole });
          const fill = h("b", { class: used > whole ? "over" : "" });
          fill.style.width = (whole > 0 ? Math.min(100, (100 * used) / whole) : used > 0 ? 100 : 0) + "%";
          b.append(fill);
          if (mark !== undefined && whole > 0) {
            const tick = h("u");
            tick.style.left = Math.min(100, (100 * mark) / whole) + "%";
            b.append(tick);
          }
          return b;
        }

        function shellQuote(word) {
          return /^[A-Za-z0-9_@%+=:,.\/-]+$/.test(word) ? word : "'" + word.replace(/'/g, "'\\''") + "'";
        }

        function jobLink(id) {
          return h("a", { href: "#/job/" + id }, String(id));
        }

        // ---- cluster map ----

        function nodeClass(n) {
          if (n.state === "down" || n.state === "returning") return "down";
          if (n.state === "drained") return "drained";
          if (n.spare) return "spare";
          if (n.running_jobs.length === 0 && n.free_gpus === n.gpus) return "free";
          return n.free_gpus === 0 ? "full" : "busy";
        }

        // Clusters larger than this are drawn one tile per leaf block (GET /v1/leaves), a block's nodes on its
        // own page (#/cluster/LEAF): 125,000 nodes drawn one by one would fetch 13 pages every refresh and build a
        // million elements.
        const MAP_NODES = 2048;

        async function allNodes(leaf) {
          let nodes = [];
          let after = null;
          let counts = {};
          do {
            const page = await api("/v1/nodes?limit=10000" + (leaf ? "&leaf=" + encodeURIComponent(leaf) : "") +
              (after ? "&after=" + encodeURIComponent(after) : ""));
            nodes = nodes.concat(page.nodes);
            counts = page.counts || counts;
            after = page.next_after;
          } while (after);
          return { nodes, counts };
        }

        function legend(names) {
          const row = h("div", { class: "legend" });
          for (const name of names) {
            const s = h("span", {}, name);
            s.style.setProperty("--c", "var(--" + name + ")");
            row.append(s);
          }
          return row;
        }

        async function cluster(leaf) {
          if (leaf) return nodeMap(await allNodes(leaf), leaf);
          const { leaves } = await api("/v1/leaves");
          const total = leaves.reduce((s, l) => s + l.nodes, 0);
          return total <= MAP_NODES ? nodeMap(await allNodes(), null) : blockMap(leaves);
        }

        // Every node as a tile with its GPUs, grouped by spine and leaf (or one leaf's nodes).
        function nodeMap({ nodes, counts }, leaf) {
          const gpus = nodes.reduce((s, n) => s + (n.state === "down" ? 0 : n.gpus), 0);
          const used = nodes.reduce((s, n) => s + (n.state === "up" && !n.spare ? n.gpus - n.free_gpus : 0), 0);
          const spines = new Map();
          for (const n of nodes) {
            if (!spines.has(n.spine)) spines.set(n.spine, new Map());
            const leaves = spines.get(n.spine);
            if (!leaves.has(n.leaf)) leaves.set(n.leaf, []);
            leaves.get(n.leaf).push(n);
          }
          const shown = leaf ? { up: 0, drained: 0, down: 0, returning: 0 } : counts;
          if (leaf) for (const n of nodes) shown[n.state] = (shown[n.state] || 0) + 1;
          const body = h("div", {},
            h("h1", {}, leaf ? "Leaf " + leaf : "Cluster"),
            leaf ? h("p", {}, h("a", { href: "#/cluster" }, "← every leaf block")) : null,
            h("div", { class: "cards" },
              stat(nodes.length, "nodes"),
              stat((shown.up || 0), "up"),
              stat((shown.drained || 0), "drained"),
              stat((shown.down || 0) + (shown.returning || 0), "down"),
              stat(used + " / " + gpus, "GPUs busy")),
            legend(["free", "busy", "full", "drained", "down", "spare"]));
          if (nodes.length === 0) body.append(h("p", { class: "muted" }, leaf ? "No node in this leaf." : "No node has registered yet."));
          for (const spine of [...spines.keys()].sort()) {
            const leaves = spines.get(spine);
            const blocks = h("div", { class: "blocks" });
            for (const leafName of [...leaves.keys()].sort()) {
              const members = leaves.get(leafName);
              const free = members.reduce((s, n) => s + n.free_gpus, 0);
              const tiles = members.map((n) => {
                const cells = [];
                const usedHere = n.state === "up" ? n.gpus - n.free_gpus : 0;
                for (let i = 0; i < n.gpus; i++) cells.push(h("i", { class: i < usedHere ? "used" : "" }));
                const title = n.name + " (" + n.state + (n.spare ? ", spare" : "") + "): " + n.free_gpus + "/" + n.gpus +
                  " GPUs free, " + n.gpu_model + (n.drain_reason ? "; drained: " + n.drain_reason : "") +
                  (n.running_jobs.length ? "; jobs " + n.running_jobs.join(", ") : "");
                const href = "#/node/" + encodeURIComponent(n.name);
                return h("a", { class: "node " + nodeClass(n), href, title, "data-node": n.name, "data-state": nodeClass(n) },
                  h("span", { class: "name" }, n.name),
                  h("span", { class: "gpus" }, cells),
                  n.running_jobs.length ? "job " + n.running_jobs.join(",") : n.state === "up" ? n.gpu_model : n.state);
              });
              const grid = h("div", { class: "nodes" }, tiles);
              grid.style.gridTemplateColumns = "repeat(" + Math.min(8, members.length) + ", 92px)";
              blocks.append(h("div", { class: "block", "data-leaf": leafName },
                h("h3", {}, leafName + " ", h("span", {}, members.length + " nodes, " + free + " GPUs free")), grid));
            }
            body.append(h("div", { class: "spine" }, h("h2", {}, "spine " + spine), blocks));
          }
          return body;
        }

        // A large cluster: one tile per leaf block, its GPUs in use as a bar; a tile opens the block's nodes.
        function leafClass(l) {
          if (l.down + l.drained === l.nodes) return l.down ? "down" : "drained";
          if (l.free_gpus === 0) return "full";
          return l.used_gpus === 0 ? "free" : "busy";
        }

        function blockMap(leaves) {
          const sum = (f) => leaves.reduce((s, l) => s + f(l), 0);
          const gpus = sum((l) => l.gpus);
          const free = sum((l) => l.free_gpus);
          const body = h("div", {},
            h("h1", {}, "Cluster"),
            h("div", { class: "cards" },
              stat(sum((l) => l.nodes), "nodes"),
              stat(sum((l) => l.up), "up"),
              stat(sum((l) => l.drained), "drained"),
              stat(sum((l) => l.down), "down"),
              stat(free + " / " + gpus, "GPUs free"),
              stat(leaves.length, "leaf blocks")),
            legend(["free", "busy", "full", "drained", "down"]));
          const spines = new Map();
          for (const l of leaves) {
            if (!spines.has(l.spine)) spines.set(l.spine, []);
            spines.get(l.spine).push(l);
          }
          for (const [spine, members] of spines) {
            const tiles = members.map((l) => {
              const usedShare = l.gpus ? Math.round(100 * l.used_gpus / l.gpus) : 0;
              const bar = h("span", { class: "bar" }, h("b", {}));
              bar.firstChild.style.width = usedShare + "%";
              const title = l.leaf + ": " + l.nodes + " nodes (" + l.up + " up, " + l.drained + " drained, " + l.down +
                " down, " + l.spare + " spare), " + l.free_gpus + "/" + l.gpus + " GPUs free, " + l.busy + " nodes running jobs";
              return h("a", { class: "leaf " + leafClass(l), href: "#/cluster/" + encodeURIComponent(l.leaf), title,
                "data-leaf": l.leaf, "data-state": leafClass(l) },
                h("span", { class: "name" }, l.leaf), bar,
                h("span", {}, l.used_gpus + "/" + l.gpus + " in use"),
                l.down + l.drained ? h("span", {}, (l.down ? l.down + " down " : "") + (l.drained ? l.drained + " drained" : "")) : null);
            });
            body.append(h("div", { class: "spine" },
              h("h2", {}, "spine " + spine + " ", h("span", { class: "muted" }, members.length + " leaf blocks")),
              h("div", { class: "leaves" }, tiles)));
          }
          return body;
        }

        // ---- queue ----

        async function queue() {
          const since = Date.now() / 1000 - 3600;
          const list = await api("/v1/jobs?state=pending,running&ended_since=" + since.toFixed(0));
          const rank = { running: 0, pending: 1 };
          const jobs = list.jobs.slice().sort((a, b) => {
            const ra = rank[a.state] ?? 2;
            const rb = rank[b.state] ?? 2;
            if (ra !== rb) return ra - rb;
            return ra === 2 ? (b.end_time || 0) - (a.end_time || 0) : a.id - b.id;
          });
          const pending = jobs.filter((j) => j.state === "pending");
          const running = jobs.filter((j) => j.state === "running");
          const rows = jobs.map((j) => h("tr", { "data-job": j.id, "data-state": j.state },
            h("td", { class: "num" }, jobLink(j.id)),
            h("td", {}, j.name),
            h("td", {}, j.owner),
            h("td", {}, j.team),
            h("td", {}, j.priority),
            h("td", { class: "num" }, j.gpus),
            h("td", {}, badge(j.state)),
            h("td", {}, j.state === "pending" ? "waiting " + ago(j.submit_time)
              : j.state === "running" ? "running " + ago(j.start_time || j.scheduled_time)
                : "ended " + ago(j.end_time) + " ago"),
            h("td", { class: j.state === "pending" ? "why" : "" },
              j.state === "running" ? j.placement.map((p) => p.node).join(", ") : (j.reason || ""))));
          return h("div", {},
            h("h1", {}, "Queue"),
            h("div", { class: "cards" },
              stat(running.length, "running"),
              stat(pending.length, "pending"),
              stat(pending.reduce((s, j) => s + j.gpus, 0), "GPUs asked by pending jobs"),
              stat(jobs.length - running.length - pending.length, "ended in the last hour")),
            h("table", { id: "queue" },
              h("thead", {}, h("tr", {}, h("th", { class: "num" }, "job"), h("th", {}, "name"), h("th", {}, "user"),
                h("th", {}, "team"), h("th", {}, "class"), h("th", { class: "num" }, "GPUs"), h("th", {}, "state"),
                h("th", {}, "time"), h("th", {}, "why / where"))),
              h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 9, class: "muted" }, "No jobs.")))));
        }

        // ---- one node ----

        async function node(arg) {
          const n = await api("/v1/nodes/" + encodeURIComponent(decodeURIComponent(arg || "")));
          if (drainDraft && drainDraft.node !== n.name) drainDraft = null;
          const jobs = [];
          for (const id of n.running_jobs) {
            if (jobs.length) jobs.push(", ");
            jobs.push(h("a", { href: "#/job/" + id, class: "node-job", "data-job": id }, "job " + id));
          }
          const facts = h("dl", { class: "facts" },
            fact("state", h("span", { id: "node-state" }, badge(n.state))),
            fact("drained because", h("span", { id: "node-reason" }, n.drain_reason || "")),
            fact("GPUs", n.free_gpus + " free of " + n.gpus + " × " + n.gpu_model + (n.spare ? " (hot spare)" : "")),
            fact("CPUs / memory", n.cpus + " / " + Math.round(n.memory_mib / 1024) + " GiB"),
            fact("leaf / spine", [h("a", { href: "#/cluster/" + encodeURIComponent(n.leaf) }, n.leaf), " / " + n.spine]),
            fact("address", n.address),
            fact("last heartbeat", clock(n.last_heartbeat)),
            fact("jobs", jobs.length ? jobs : "none"));
          // Drain asks why (the API refuses an empty reason) and whether to stop the node's jobs now; the API
          // decides who may. Resume is one press: it only lets new work in again.
          const act = async (path, body) => {
            actionError = null;
            try {
              await api("/v1/nodes/" + encodeURIComponent(n.name) + path, "POST", body);
              drainDraft = null;
            } catch (error) {
              actionError = error.message;
            }
            render();
          };
          const actions = h("div", { class: "actions" });
          if (n.state === "drained") {
            actions.append(h("button", { type: "button", id: "node-resume", onclick: () => act("/resume") }, "Resume node"));
          } else if (!drainDraft) {
            actions.append(h("button", {
              type: "button", id: "node-drain", class: "danger",
              onclick: () => { drainDraft = { node: n.name, reason: "", now: false }; actionError = null; render(); },
            }, "Drain node…"));
          } else {
            const reason = h("input", {
              id: "drain-reason", type: "text", maxlength: 256, size: 40, placeholder: "why (shown by muster nodes)",
              value: drainDraft.reason, oninput: (e) => { drainDraft.reason = e.target.value; },
            });
            const now = h("input", {
              id: "drain-now", type: "checkbox", checked: drainDraft.now,
              onchange: (e) => { drainDraft.now = e.target.checked; },
            });
            actions.append(reason, h("label", {}, now, " stop its jobs now (requeued if they may be)"),
              h("button", {
                type: "button", id: "drain-submit", class: "danger armed",
                onclick: () => act("/drain", { reason: drainDraft.reason, now: drainDraft.now }),
              }, "Drain " + n.name),
              h("button", { type: "button", onclick: () => { drainDraft = null; actionError = null; render(); } }, "Keep it"));
          }
          if (actionError) actions.append(h("span", { class: "error", id: "node-action-error" }, actionError));
          return h("div", {},
            h("h1", {}, "Node " + n.name),
            h("p", {}, h("a", { href: "#/cluster/" + encodeURIComponent(n.leaf) }, "← leaf " + n.leaf)),
            actions,
            h("div", { class: "card" }, facts));
        }

        // ---- one job ----

        async function readLog(id, rankNumber) {
          let text = "";
          let offset = 0;
          for (let i = 0; i < 64; i++) {
            const chunk = await api("/v1/jobs/" + id + "/logs?rank=" + rankNumber + "&offset=" + offset);
            text += chunk.data;
            if (chunk.next_offset === offset) break;
            offset = chunk.next_offset;
          }
          return text;
        }

        async function job(arg) {
          const id = Number(arg);
          const j = await api("/v1/jobs/" + id);
          const ranks = j.placement.length * Math.max(1, j.tasks_per_node);
          if (logRank >= Math.max(1, ranks)) logRank = 0;
          const log = await readLog(id, logRank).catch((e) => "(no output: " + e.message + ")");
          const facts = h("dl", { class: "facts" },
            fact("state", h("span", { id: "job-state" }, badge(j.state))),
            fact("why", h("span", { class: "why", id: "job-reason" }, j.reason || "")),
            fact("user", j.owner), fact("team / class", j.team + " / " + j.priority),
            fact("GPUs", j.gpus + " = " + j.nodes + " node(s) × " + j.gpus_per_node),
            fact("tasks per node", j.tasks_per_node),
            fact("submitted", clock(j.submit_time)), fact("started", clock(j.start_time)),
            fact("ended", clock(j.end_time)), fact("exit code", j.exit_code),
            fact("restarts", (j.restarts || 0) + (j.max_restarts ? " of " + j.max_restarts : "")),
            fact("preemptions", j.preemptions || 0),
            fact("energy", j.energy_wh !== undefined ? j.energy_wh.toFixed(2) + " Wh (modelled)" : ""),
            fact("time limit", duration(j.time_limit)),
            fact("command", h("code", {}, j.is_script ? "(batch script)" : j.command.map(shellQuote).join(" "))),
            fact("workdir", h("code", {}, j.workdir)));
          const tpn = Math.max(1, j.tasks_per_node);
          const placement = j.placement.map((p, i) => h("tr", {},
            h("td", { class: "num" }, i),
            h("td", {}, p.node),
            h("td", {}, p.gpus.join(", ")),
            h("td", {}, j.is_script ? (i === 0 ? "0 (script)" : "steps") : tpn === 1 ? String(i)
              : i * tpn + "–" + ((i + 1) * tpn - 1))));
          // Cancel in two presses (the page redraws every 2 s, so no dialog); the API decides who may.
          const active = j.state === "pending" || j.state === "running";
          const armed = cancelArmed === id;
          const actions = h("div", { class: "actions" },
            active ? h("button", {
              type: "button", id: "job-cancel", class: armed ? "danger armed" : "danger",
              onclick: async () => {
                if (!armed) {
                  cancelArmed = id;
                  actionError = null;
                  return render();
                }
                cancelArmed = null;
                try {
                  await api("/v1/jobs/" + id + "/cancel", "POST");
                } catch (error) {
                  actionError = error.message;
                }
                render();
              },
            }, armed ? "Press again to cancel job " + id : "Cancel job") : null,
            armed ? h("button", { type: "button", onclick: () => { cancelArmed = null; render(); } }, "Keep it") : null,
            actionError ? h("span", { class: "error", id: "job-action-error" }, actionError) : null);
          const rankButtons = h("div", { class: "ranks" }, "rank ");
          for (let r = 0; r < Math.max(1, j.is_script ? 1 : ranks); r++) {
            rankButtons.append(h("button", {
              type: "button", class: r === logRank ? "active" : "",
              onclick: () => { logRank = r; render(); },
            }, String(r)));
          }
          return h("div", {},
            h("h1", {}, "Job " + j.id + " ", h("span", { class: "muted" }, j.name)),
            actions,
            h("div", { class: "card" }, facts),
            h("h2", {}, "Placement"),
            j.placement.length
              ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { class: "num" }, "node rank"), h("th", {}, "node"),
                h("th", {}, "GPUs"), h("th", {}, "ranks"))), h("tbody", {}, placement))
              : h("p", { class: "muted" }, "Not placed yet."),
            h("h2", {}, "Output"),
            rankButtons,
            h("pre", { class: "log", id: "job-log" }, log || "(empty)"));
        }

        // ---- teams ----

        async function teams() {
          const list = await api("/v1/teams");
          const rows = list.teams.map((t) => h("tr", { "data-team": t.name },
            h("td", {}, t.is_leaf ? t.name : h("b", {}, t.name + " (org)")),
            h("td", { class: "num" }, t.guarantee),
            h("td", { class: "num" }, t.using),
            h("td", {}, bar(t.using, Math.max(t.guarantee, t.using, 1), t.guarantee)),
            h("td", { class: "num" }, t.borrowed),
            h("td", { class: "num" }, t.lent),
            h("td", { class: "num" }, t.borrow_limit ?? "∞"),
            h("td", { class: "num" }, t.lend_limit ?? "all"),
            h("td", { class: "num" }, t.fair_share.toFixed(2)),
            h("td", { class: "num" }, t.pending_jobs),
            h("td", { class: "num" }, t.headroom !== undefined ? (t.service_gpus || 0) + " / " + t.headroom : "")));
          return h("div", {},
            h("h1", {}, "Teams"),
            h("p", { class: "muted" }, "Classes, highest first: " + list.classes.join(", ") + ". Lending " +
              (list.lending ? "on" : "off") + ", preemption " + (list.preemption ? "on" : "off") +
              ". The bar shows GPUs in use; the mark is the guarantee."),
            h("table", {},
              h("thead", {}, h("tr", {}, h("th", {}, "team"), h("th", { class: "num" }, "guarantee"),
                h("th", { class: "num" }, "using"), h("th", {}, "use vs guarantee"), h("th", { class: "num" }, "borrowed"),
                h("th", { class: "num" }, "lent"), h("th", { class: "num" }, "borrow limit"),
                h("th", { class: "num" }, "lend limit"), h("th", { class: "num" }, "fair share"),
                h("th", { class: "num" }, "pending"), h("th", { class: "num" }, "services / headroom"))),
              h("tbody", {}, rows)));
        }

        // ---- services ----

        function ms(v) {
          return v === undefined || v === null ? "–" : v < 10 ? v.toFixed(1) + " ms" : Math.round(v) + " ms";
        }

        async function services() {
          const list = await api("/v1/services");
          const body = h("div", {}, h("h1", {}, "Services"));
          if (list.services.length === 0) {
            body.append(h("p", { class: "muted" }, "No services. Start one with ",
              h("code", {}, "muster serve NAME --min 1 --max 4 -- python3 server.py"), "."));
          }
          for (const s of list.services) {
            const replicas = s.replicas.map((r) => h("tr", {},
              h("td", { class: "num" }, r.index), h("td", { class: "num" }, jobLink(r.job)),
              h("td", {}, badge(r.state)), h("td", {}, r.ready ? badge("ready") : "not ready"),
              h("td", {}, r.node || ""), h("td", { class: "num" }, r.port || ""), h("td", { class: "num" }, r.inflight)));
            body.append(h("div", { class: "card service", "data-service": s.name },
              h("h2", {}, s.name + " ", badge(s.state)),
              h("div", { class: "cards" },
                stat(s.ready + " / " + s.desired, "ready / desired (" + s.min_replicas + "–" + s.max_replicas + ")"),
                stat(s.inflight + " + " + s.queued, "in flight + queued"),
                stat(ms(s.latency_p50_ms), "p50 latency, last minute"),
                stat(ms(s.latency_p99_ms), "p99 latency, last minute"),
                stat(s.requests_last_minute ?? 0, "requests, last minute")),
              h("p", { class: "muted" }, "owner " + s.owner + ", team " + s.team + ", class " + s.class + ", " +
                s.gpus_per_replica + " GPU(s) per replica, at " + s.url),
              h("table", {}, h("thead", {}, h("tr", {}, h("th", { class: "num" }, "replica"), h("th", { class: "num" }, "job"),
                h("th", {}, "state"), h("th", {}, "ready"), h("th", {}, "node"), h("th", { class: "num" }, "port"),
                h("th", { class: "num" }, "in flight"))), h("tbody", {}, replicas)),
              h("h3", {}, "Recent events"),
              h("ul", {}, s.events.slice(-5).map((e) => h("li", {}, clock(e.time) + " " + e.text)))));
          }
          return body;
        }

        // ---- utilisation ----

        function chart(samples, series, maxValue, label) {
          const W = 1000, H = 260, L = 50, R = 16, T = 14, B = 30;
          const svg = h("svg", { class: "chart", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": label });
          const t0 = samples[0].time;
          const t1 = Math.max(samples[samples.length - 1].time, t0 + 1);
          const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
          const top = Math.max(1, maxValue);
          const y = (v) => T + (1 - v / top) * (H - T - B);
          for (let i = 0; i <= 4; i++) {
            const v = (top * i) / 4;
            svg.append(h("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
            svg.append(h("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, Number.isInteger(v) ? v : v.toFixed(1)));
          }
          for (let i = 0; i <= 5; i++) {
            const t = t0 + ((t1 - t0) * i) / 5;
            const anchor = i === 0 ? "start" : i === 5 ? "end" : "middle";
            svg.append(h("text", { x: x(t), y: H - 10, "text-anchor": anchor }, clock(t)));
          }
          for (const s of series) {
            const points = samples.map((p) => x(p.time).toFixed(1) + "," + y(s.value(p)).toFixed(1));
            if (s.area) {
              svg.append(h("path", { class: s.area, d: "M" + x(t0) + "," + y(0) + " L" + points.join(" L") + " L" +
                x(samples[samples.length - 1].time) + "," + y(0) + " Z" }));
            }
            svg.append(h("polyline", { class: s.cls, points: points.join(" ") }));
          }
          return svg;
        }

        async function utilisation() {
          const u = await api("/v1/utilisation");
          const body = h("div", {}, h("h1", {}, "Utilisation"));
          const samples = u.samples;
          if (samples.length === 0) {
            body.append(h("p", { class: "muted" }, "No sample yet (one every " + u.interval + " s)."));
            return body;
          }
          const last = samples[samples.length - 1];
          const mean = samples.reduce((s, p) => s + (p.gpus ? p.busy_gpus / p.gpus : 0), 0) / samples.length;
          body.append(
            h("div", { class: "cards" },
              stat(last.busy_gpus + " / " + last.gpus, "GPUs busy now"),
              stat((100 * mean).toFixed(1) + " %", "mean use over " + duration(last.time - samples[0].time)),
              stat(last.running_jobs, "jobs running"),
              stat(last.pending_jobs, "jobs pending")),
            h("p", { class: "muted" }, samples.length + " samples, one every " + u.interval + " s, kept in the controller's " +
              "memory (the last 360)."),
            h("h2", {}, "GPUs busy (solid) of GPUs up (dashed)"),
            chart(samples, [{ cls: "total", value: (p) => p.gpus }, { cls: "busy", area: "busy-area", value: (p) => p.busy_gpus }],
              Math.max(...samples.map((p) => p.gpus)), "GPUs busy over time"),
            h("h2", {}, "Jobs running (orange) and pending (blue)"),
            chart(samples, [{ cls: "running", value: (p) => p.running_jobs }, { cls: "pending", value: (p) => p.pending_jobs }],
              Math.max(...samples.map((p) => Math.max(p.running_jobs, p.pending_jobs))), "jobs over time"));
          return body;
        }

        // ---- start ----

        document.getElementById("login").addEventListener("submit", async (event) => {
          event.preventDefault();
          const input = document.getElementById("login-token");
          const error = document.getElementById("login-error");
          const token = input.value.trim();
          error.textContent = "";
          const response = await fetch("/v1/teams", { headers: { Authorization: "Bearer " + token } }).catch(() => null);
          if (!response || !response.ok) {
            error.textContent = response ? "The controller refused this token (HTTP " + response.status + ")."
              : "The controller did not answer.";
            return;
          }
          sessionStorage.setItem(TOKEN_KEY, token);
          input.value = "";
          render();
        });
        document.getElementById("logout").addEventListener("click", () => {
          sessionStorage.removeItem(TOKEN_KEY);
          render();
        });
        window.addEventListener("hashchange", render);
        render();
        """#
}
