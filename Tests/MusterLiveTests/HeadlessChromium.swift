import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real headless Chromium driven over the Chrome DevTools protocol (a websocket on a free port): one page,
/// JavaScript evaluated in it, screenshots. `stop()` kills the browser and removes its profile.
final class HeadlessChromium: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Debian's `chromium` (or another Chromium-based browser) on this machine, if any.
    static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Outside CI a machine without Chromium skips the browser tests; in CI (`CI=true`) they run and fail.
    static let shouldRun = executable != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    private let process: Process
    private let profile: String
    private let socket: WebSocketConnection
    private var session = ""
    private var nextID = 0

    private init(process: Process, profile: String, socket: WebSocketConnection) {
        self.process = process
        self.profile = profile
        self.socket = socket
    }

    /// Starts the browser (as root it needs `--no-sandbox`) with one blank page attached.
    static func launch(width: Int = 1400, height: Int = 1000) async throws -> HeadlessChromium {
        guard let executable else {
            throw Failure(description: "chromium is not installed: apt-get install -y chromium (.ci/run does)")
        }
        let profile = NSTemporaryDirectory() + "muster-chromium-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-port=0", "--user-data-dir=\(profile)", "--window-size=\(width),\(height)",
            "about:blank",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        do {
            // Chromium writes its port and the browser's websocket path once it listens.
            let deadline = Date().addingTimeInterval(60)
            var lines: [Substring] = []
            while lines.count < 2 {
                guard Date() < deadline, process.isRunning else {
                    throw Failure(description: "chromium did not open its DevTools port within 60 s")
                }
                try await Task.sleep(for: .milliseconds(100))
                let text = (try? String(contentsOfFile: profile + "/DevToolsActivePort", encoding: .utf8)) ?? ""
                lines = text.split(separator: "\n")
            }
            guard let port = Int(lines[0]) else { throw Failure(description: "bad DevToolsActivePort: \(lines)") }
            let path = String(lines[1])
            let socket = try await Self.offPool { try WebSocketConnection(port: port, path: path, timeout: 30) }
            let browser = HeadlessChromium(process: process, profile: profile, socket: socket)
            let target = try await browser.call("Target.createTarget", ["url": "about:blank"], inPage: false)
            let attached = try await browser.call(
                "Target.attachToTarget", ["targetId": target["targetId"] as? String ?? "", "flatten": true],
                inPage: false)
            browser.session = attached["sessionId"] as? String ?? ""
            _ = try await browser.call("Page.enable", [:])
            _ = try await browser.call("Runtime.enable", [:])
            return browser
        } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: profile)
            throw error
        }
    }

    /// Sends one DevTools command (to the page unless `inPage` is false) and returns its result.
    @discardableResult
    func call(_ method: String, _ params: [String: Any], inPage: Bool = true) async throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inPage { message["sessionId"] = session }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)
        let socket = self.socket
        let reply = try await Self.offPool { () throws -> String in
            try socket.send(text)
            while true {
                let answer = try socket.receive()
                // Events have no id; answers carry the id of their command.
                if answer.contains("\"id\":\(id)"),
                    let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
                    object["id"] as? Int == id
                {
                    return answer
                }
            }
        }
        let object = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] ?? [:]
        if let error = object["error"] { throw Failure(description: "\(method) failed: \(error)") }
        return object["result"] as? [String: Any] ?? [:]
    }

    /// Loads `url` in the page and waits until its document has loaded.
    func navigate(_ url: String) async throws {
        try await call("Page.navigate", ["url": url])
        _ = try await waitFor("\(url) to load", timeout: 30, "document.readyState === 'complete' && location.href")
    }

    /// The value of a JavaScript expression in the page (a promise is awaited); throws on an exception.
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await call(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            let text = (exception["exception"] as? [String: Any])?["description"] ?? exception["text"] ?? ""
            throw Failure(description: "JavaScript error in `\(expression.prefix(120))`: \(text)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` every 100 ms until it gives something other than null, undefined or false, and
    /// returns it; throws after `timeout` seconds with the page's text.
    func waitFor(_ what: String, timeout: Double, _ expression: String) async throws -> Any {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try? await evaluate(expression), !(value is NSNull), (value as? Bool) != false {
                return value
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? await evaluate("document.body.innerText")) as? String ?? ""
        throw Failure(description: "timed out after \(timeout) s waiting for \(what); the page reads:\n\(text)")
    }

    /// The page's text.
    func text() async throws -> String {
        try await evaluate("document.body.innerText") as? String ?? ""
    }

    /// Types `text` into the focused element as a user would (input events, not a property set).
    func type(_ text: String) async throws {
        try await call("Input.insertText", ["text": text])
    }

    /// Kills the browser and removes its profile.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Runs blocking socket work on a thread of its own, never on the cooperative pool (2 cores: blocking one of
    /// its threads can stall every other test).
    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
