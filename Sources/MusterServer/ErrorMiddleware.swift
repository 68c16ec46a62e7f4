import Foundation
import Hummingbird
import MusterAPI

/// Turns every error into `{"error": {"code", "message"}}` with the right status.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ControllerError {
            var response = Self.response(status: error.statusCode, body: error.body)
            if let seconds = error.retryAfter { response.headers[.retryAfter] = "\(seconds)" }
            return response
        } catch let error as HTTPError {
            let code: String =
                switch error.status.code {
                case 404: "not_found"
                case 405: "method_not_allowed"
                case 413: "too_large"
                case 400..<500: "bad_request"
                default: "internal"
                }
            let message =
                error.status.code == 404
                ? "no route \(request.method) \(request.uri.path); see /v1/openapi.json"
                : (error.body ?? error.status.reasonPhrase)
            return Self.response(status: error.status.code, body: ErrorBody(code: code, message: message))
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return Self.response(status: 500, body: ErrorBody(code: "internal", message: "\(error)"))
        }
    }

    static func response(status: Int, body: ErrorBody) -> Response {
        let data = (try? MusterJSON.encode(body)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
