import Foundation
import MusterAPI
import MusterClient
import Testing

extension EndToEnd {
    /// The web dashboard at `/ui` in a real headless Chromium against a real controller and agents: the page's
    /// own JavaScript signs in, reads the API with the token and shows a job submitted through the API from
    /// queue to end.
    @Suite struct Dashboard {
        @Test(
            .enabled(
                if: HeadlessChromium.shouldRun,
                "needs chromium (apt-get install -y chromium; .ci/run installs it, and in CI its absence fails)"))
        func aSignedInUserSeesASubmittedJobQueueRunAndFinishOnThePage() async throws {
            let cluster = LiveCluster(gpusPerAgent: 4, heartbeatTimeout: 5)
            cluster.controllerExtra = ["--sample-interval", "0.5"]
            try await Self.run(cluster) {
                try await cluster.startController()
                for name in ["node-a", "node-b"] { try cluster.startAgent(name) }
                try await cluster.waitForNodes(up: 2)
            } drive: { page in
                try await Self.drive(page, cluster)
            }
        }

        /// Runs `setUp`, then `drive` in a new headless Chromium; stops the browser and the cluster whatever
        /// happens (with the controller's log when something failed).
        static func run(
            _ cluster: LiveCluster, setUp: () async throws -> Void, drive: (HeadlessChromium) async throws -> Void
        ) async throws {
            var browser: HeadlessChromium?
            do {
                try await setUp()
                let page = try await HeadlessChromium.launch()
                browser = page
                try await drive(page)
            } catch {
                print(cluster.logTail("controller.log"))
                browser?.stop()
                cluster.stop()
                throw error
            }
            browser?.stop()
            cluster.stop()
        }

        /// A cluster too large to draw node by node (2,100 nodes registered through the API, in 70 leaf blocks of
        /// 30 on 2 spines): the map shows one tile per leaf block with its state (a drained block as drained), and
        /// a tile opens that block's nodes.
        @Test(
            .enabled(
                if: HeadlessChromium.shouldRun,
                "needs chromium (apt-get install -y chromium; .ci/run installs it, and in CI its absence fails)"))
        func aLargeClusterIsMappedByLeafBlockAndABlockOpensItsNodes() async throws {
            let cluster = LiveCluster(gpusPerAgent: 8, heartbeatTimeout: 600)
            try await Self.run(cluster) {
                try await cluster.startController()
                let join = try String(contentsOfFile: cluster.dir + "/data/join.token", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let agent = MusterClient(baseURL: cluster.url, token: join, connections: 8)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for n in stride(from: worker, to: 2_100, by: 8) {
                                let leaf = n / 30
                                _ = try await agent.register(
                                    RegisterAgentRequest(
                                        name: String(format: "gpu-%04d", n),
                                        gpus: (0..<8).map {
                                            GPUInfo(index: $0, model: "H100", memoryMib: 81_920, uuid: "GPU-\(n)-\($0)")
                                        },
                                        cpus: 112, memoryMib: 2_000_000, leaf: String(format: "leaf-%02d", leaf),
                                        spine: "spine-\(leaf / 35)", address: "127.0.0.1", instance: "test-\(n)"))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                await agent.shutdown()
                for n in 210..<240 {
                    _ = try await cluster.client.drain(String(format: "gpu-%04d", n), reason: "maintenance")
                }
                let leaves = try await cluster.client.leaves().leaves
                #expect(leaves.count == 70 && leaves.allSatisfy { $0.nodes == 30 && $0.gpus == 240 })
                #expect(leaves.first { $0.leaf == "leaf-07" }?.drained == 30)
            } drive: { page in
                try await page.navigate(cluster.url + "/ui")
                _ = try await page.waitFor("the sign-in form", timeout: 20, "!document.getElementById('login').hidden")
                try await Self.signIn(page, token: try cluster.adminToken())
                _ = try await page.waitFor(
                    "70 leaf tiles and no node tiles", timeout: 30,
                    "document.querySelectorAll('a.leaf').length === 70 && document.querySelectorAll('.node').length === 0"
                )
                let states = try await page.evaluate(
                    "[...document.querySelectorAll('a.leaf')].map(t => t.dataset.leaf + ':' + t.dataset.state).join()")
                #expect("\(states)".contains("leaf-07:drained") && "\(states)".contains("leaf-00:free"), "\(states)")
                #expect(try await page.text().contains("2100"))
                try await Self.click(page, "a.leaf[data-leaf=leaf-03]")
                let shown = try await page.waitFor(
                    "leaf-03's 30 nodes", timeout: 30,
                    "document.querySelectorAll('.node').length === 30 ? [...document.querySelectorAll('.node')]"
                        + ".map(n => n.dataset.node).join() : null")
                #expect("\(shown)".hasPrefix("gpu-0090,gpu-0091") && "\(shown)".hasSuffix("gpu-0119"), "\(shown)")
            }
        }

        static func drive(_ page: HeadlessChromium, _ cluster: LiveCluster) async throws {
            try await page.navigate(cluster.url + "/ui")
            _ = try await page.waitFor("the sign-in form", timeout: 20, "!document.getElementById('login').hidden")
            // Without a token there is no data, and a wrong token is refused on the form.
            #expect(try await page.evaluate("fetch('/v1/jobs').then(r => r.status)") as? Int == 401)
            #expect(try await page.evaluate("fetch('/v1/utilisation').then(r => r.status)") as? Int == 401)
            try await signIn(page, token: "not-a-token")
            let refusal = try await page.waitFor(
                "the refusal", timeout: 20, "document.getElementById('login-error').textContent || null")
            #expect("\(refusal)".contains("refused"))
            #expect(try await page.evaluate(Self.navShown) as? Bool == false)

            // Signed in: the cluster map shows both nodes of the default leaf, free.
            try await signIn(page, token: try cluster.adminToken())
            _ = try await page.waitFor(
                "two free nodes on the map", timeout: 20,
                "[...document.querySelectorAll('.node')].map(n => n.dataset.node + ':' + n.dataset.state).join() "
                    + "=== 'node-a:free,node-b:free'")
            #expect(try await page.evaluate("sessionStorage.getItem('muster-token') !== null") as? Bool == true)
            #expect(try await page.evaluate(Self.navShown) as? Bool == true)

            // A job over both nodes, then one that must wait for it: the queue says why.
            // It runs until the test has seen it running (at most 2 minutes).
            let release = cluster.dir + "/release"
            let request = cluster.request(
                [
                    "/bin/sh", "-c",
                    "for i in $(seq 600); do [ -e \(release) ] && break; sleep 0.2; done; echo dashboard-saw-rank-$RANK",
                ], gpus: 8, nodes: 2, name: "dash-e2e")
            let first = try await cluster.client.submit(request)
            let second = try await cluster.client.submit(
                cluster.request(["/bin/sh", "-c", "echo second"], gpus: 8, nodes: 2, name: "dash-waits"))
            try await click(page, "#nav a[data-page=queue]")
            _ = try await page.waitFor(
                "job \(first) running and \(second) pending in the queue", timeout: 20,
                "document.querySelector('tr[data-job=\"\(first)\"][data-state=running]') && "
                    + "document.querySelector('tr[data-job=\"\(second)\"][data-state=pending]')")
            let why = try await page.evaluate("document.querySelector('tr[data-job=\"\(second)\"] td.why').textContent")
            let reason = try await cluster.client.job(second).reason ?? ""
            // The reason may name a time that moves on between the two reads: compare its beginning.
            let shown = why as? String ?? ""
            #expect(
                reason.count > 20 && shown.prefix(20) == reason.prefix(20),
                "the page says '\(shown)', the API '\(reason)'")
            let row = try await page.evaluate("document.querySelector('tr[data-job=\"\(first)\"]').textContent")
            #expect("\(row ?? "")".contains("dash-e2e"))

            // The map shows both nodes full; a node's page names its job, which leads to the job's page.
            try await click(page, "#nav a[data-page=cluster]")
            _ = try await page.waitFor(
                "both nodes full", timeout: 20,
                "[...document.querySelectorAll('.node')].map(n => n.dataset.state).join() === 'full,full'")
            try await click(page, ".node[data-node=node-a]")
            _ = try await page.waitFor(
                "node-a's page with job \(first)", timeout: 20,
                "document.body.dataset.page === 'node' && document.querySelector('a.node-job[data-job=\"\(first)\"]')")
            #expect(try await page.text().contains("0 free of 4"))
            try await click(page, "a.node-job[data-job=\"\(first)\"]")
            _ = try await page.waitFor(
                "job \(first)'s page", timeout: 20, "document.body.dataset.page === 'job' && location.hash")
            let placement = try await page.text()
            #expect(placement.contains("node-a") && placement.contains("node-b"), "\(placement)")
            #expect(try await page.evaluate("location.hash") as? String == "#/job/\(first)")

            // Let it end once a utilisation sample (every 0.5 s) has seen it: on a fast machine the steps above
            // take less than one interval. It finishes on the page, with each rank's output.
            _ = try await cluster.waitFor("a utilisation sample with the job running", timeout: 20) { () -> Bool? in
                let busy = try await page.evaluate(Self.peakBusy)
                return busy as? Int == 8 ? true : nil
            }
            #expect(FileManager.default.createFile(atPath: release, contents: nil))
            _ = try await page.waitFor(
                "job \(first) completed with rank 0's output", timeout: 40,
                "document.getElementById('job-state')?.textContent === 'completed' && "
                    + "document.getElementById('job-log').textContent.includes('dashboard-saw-rank-0')")
            try await click(page, ".ranks button:nth-of-type(2)")
            _ = try await page.waitFor(
                "rank 1's output", timeout: 20,
                "document.getElementById('job-log')?.textContent.includes('dashboard-saw-rank-1')")

            // The queue shows both ended; the utilisation samples saw the 8 GPUs busy.
            try await click(page, "#nav a[data-page=queue]")
            _ = try await page.waitFor(
                "both jobs completed in the queue", timeout: 30,
                "document.querySelector('tr[data-job=\"\(first)\"][data-state=completed]') && "
                    + "document.querySelector('tr[data-job=\"\(second)\"][data-state=completed]')")
            try await click(page, "#nav a[data-page=utilisation]")
            _ = try await page.waitFor(
                "two charts", timeout: 20, "document.querySelectorAll('svg.chart polyline').length === 4")
            let peak = try await page.evaluate(Self.peakBusy)
            #expect(peak as? Int == 8)

            // A job is cancelled from its page, in two presses.
            let doomed = try await cluster.client.submit(cluster.request(["/bin/sleep", "600"], name: "cancel-me"))
            try await page.navigate(cluster.url + "/ui#/job/\(doomed)")
            _ = try await page.waitFor("the Cancel button", timeout: 20, "document.getElementById('job-cancel')")
            try await click(page, "#job-cancel")
            _ = try await page.waitFor(
                "the Cancel button armed", timeout: 20,
                "document.getElementById('job-cancel')?.classList.contains('armed') || null")
            #expect(try await cluster.client.job(doomed).state != "cancelled", "one press does not cancel")
            try await click(page, "#job-cancel")
            _ = try await page.waitFor(
                "job \(doomed) cancelled on its page", timeout: 20,
                "document.getElementById('job-state')?.textContent === 'cancelled' && "
                    + "!document.getElementById('job-cancel')")
            #expect(try await cluster.client.job(doomed).state == "cancelled")

            // A node is drained from its page with a reason (an empty one is refused by the API, which the page
            // shows), then resumed.
            try await page.navigate(cluster.url + "/ui#/node/node-b")
            _ = try await page.waitFor("node-b's page", timeout: 20, "document.getElementById('node-drain')")
            try await click(page, "#node-drain")
            _ = try await page.waitFor("the drain form", timeout: 20, "document.getElementById('drain-reason')")
            try await click(page, "#drain-submit")
            let refused = try await page.waitFor(
                "the refusal of an empty reason", timeout: 20,
                "document.getElementById('node-action-error')?.textContent || null")
            #expect("\(refused)".contains("reason"), "\(refused)")
            #expect(try await cluster.client.node("node-b").state == "up")
            _ = try await page.evaluate("(() => { document.getElementById('drain-reason').focus(); return true })()")
            try await page.type("swap PSU")
            try await click(page, "#drain-submit")
            _ = try await page.waitFor(
                "node-b drained on its page", timeout: 20,
                "document.getElementById('node-state')?.textContent === 'drained' && "
                    + "document.getElementById('node-reason').textContent === 'swap PSU' && "
                    + "document.getElementById('node-resume')")
            let drained = try await cluster.client.node("node-b")
            #expect(drained.state == "drained" && drained.drainReason == "swap PSU")
            try await click(page, "#node-resume")
            _ = try await page.waitFor(
                "node-b up again", timeout: 20,
                "document.getElementById('node-state')?.textContent === 'up' && document.getElementById('node-drain')")
            #expect(try await cluster.client.node("node-b").state == "up")
            await #expect(throws: ClientError.self) { _ = try await cluster.client.node("no-such-node") }

            // Signing out forgets the token.
            try await click(page, "#logout")
            _ = try await page.waitFor(
                "the sign-in form again", timeout: 10, "!document.getElementById('login').hidden")
            #expect(try await page.evaluate("sessionStorage.getItem('muster-token')") is NSNull)
            #expect(try await page.evaluate(Self.navShown) as? Bool == false)
        }

        /// Whether the page's navigation is on screen (not merely without its `hidden` attribute).
        /// The most GPUs busy in any utilisation sample so far, read by the page with its token.
        static let peakBusy =
            "fetch('/v1/utilisation', {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('muster-token')}})"
            + ".then(r => r.json()).then(u => Math.max(0, ...u.samples.map(s => s.busy_gpus)))"

        static let navShown = "getComputedStyle(document.getElementById('nav')).display !== 'none'"

        /// Types `token` into the sign-in form and submits it.
        static func signIn(_ page: HeadlessChromium, token: String) async throws {
            _ = try await page.evaluate(
                "(() => { const i = document.getElementById('login-token'); i.value = ''; i.focus(); return true })()")
            try await page.type(token)
            try await click(page, "#login-submit")
        }

        /// Clicks the element `selector` names.
        static func click(_ page: HeadlessChromium, _ selector: String) async throws {
            let clicked = try await page.evaluate(
                "(() => { const e = document.querySelector('\(selector)'); if (!e) return false; e.click(); "
                    + "return true })()")
            guard clicked as? Bool == true else {
                throw HeadlessChromium.Failure(
                    description: "no element '\(selector)' to click; the page reads:\n\(try await page.text())")
            }
        }
    }
}
