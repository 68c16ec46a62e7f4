import Hummingbird

/// The web dashboard at `/ui`: one HTML page, a stylesheet and a script, compiled into the binary (no build step,
/// nothing fetched from elsewhere). The page itself needs no token; it asks for the user's API token, keeps it in
/// the tab's sessionStorage and reads the JSON API with it, so it shows exactly what that user may see.
enum DashboardPage {
    /// The routes it serves, and what each answers.
    static let files: [(path: String, contentType: String, body: String)] = [
        ("/ui", "text/html; charset=utf-8", html),
        ("/ui/app.js", "text/javascript; charset=utf-8", script),
        ("/ui/app.css", "text/css; charset=utf-8", style),
    ]

    /// Scripts and styles from this origin only, requests to this origin only, no frames: an injected string in
    /// some job's name cannot load or run anything (the script also builds every element with text nodes).
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Registers the dashboard's routes on `router`.
    static func register(on router: Router<BasicRequestContext>) {
        for file in files {
            let body = ByteBuffer(string: file.body)
            let headers: HTTPFields = [
                .contentType: file.contentType, .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", .cacheControl: "no-cache",
                HTTPFields.Element.Name("Referrer-Policy")!: "no-referrer",
            ]
            router.get(RouterPath(file.path)) { _, _ in
                Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
            }
        }
    }

    /// The page's HTML, served at `/ui`: a sign-in form and the frame the script fills.
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Muster</title>
        <link rel="stylesheet" href="/ui/app.css">
        <script src="/ui/app.js" defer></script>
        </head>
        <body>
        <header>
          <span class="brand">Muster</span>
          <nav id="nav" hidden>
            <a href="#/cluster" data-page="cluster">Cluster</a>
            <a href="#/queue" data-page="queue">Queue</a>
            <a href="#/teams" data-page="teams">Teams</a>
            <a href="#/services" data-page="services">Services</a>
            <a href="#/utilisation" data-page="utilisation">Utilisation</a>
          </nav>
          <span id="status"></span>
          <button id="logout" type="button" hidden>Log out</button>
        </header>
        <main id="main">
          <form id="login" hidden>
            <h1>Sign in</h1>
            <p>Paste an API token (<code>muster admin token create --user NAME</code>; <code>muster up</code> writes the
              first admin token to <code>.muster/token</code>). It stays in this tab only (sessionStorage).</p>
            <label for="login-token">API token</label>
            <input id="login-token" type="password" autocomplete="off" spellcheck="false" required>
            <button id="login-submit" type="submit">Sign in</button>
            <p id="login-error" class="error" role="alert"></p>
          </form>
          <div id="page"></div>
        </main>
        </body>
        </html>
        """#
}
