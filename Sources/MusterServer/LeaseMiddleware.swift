import Hummingbird

/// Refuses every request but `/healthz` with 503 `not_leader` while the controller's lease may have run out
/// (`ControllerConfig.leaseHeld`): a leader that stalled past its lease answers nothing from its old state,
/// not even a read, and clients and agents go on to the next controller at once.
struct LeaseMiddleware<Context: RequestContext>: RouterMiddleware {
    let held: @Sendable () -> Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard held() || request.uri.path == "/healthz" else {
            var error = ControllerError(
                status: 503, code: "not_leader",
                message: "this controller's lease as leader ran out before it could renew it; another controller may "
                    + "lead now: try the next address")
            error.retryAfter = 1
            throw error
        }
        return try await next(request, context)
    }
}
