import Foundation
import MusterAPI
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension APITests {
    @Test func theDashboardsFilesNeedNoTokenButItsDataDoes() async throws {
        try await withController { client, server in
            for (path, type, marker) in [
                ("/ui", "text/html", "id=\"login\""), ("/ui/app.js", "text/javascript", "sessionStorage"),
                ("/ui/app.css", "text/css", ".node.drained"),
            ] {
                var request = URLRequest(url: URL(string: client.baseURL + path)!)
                request.httpMethod = "GET"
                let (data, response) = try await URLSession.shared.data(for: request)
                let http = try #require(response as? HTTPURLResponse)
                #expect(http.statusCode == 200, "\(path)")
                #expect(http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix(type) == true, "\(path)")
                let policy = http.value(forHTTPHeaderField: "Content-Security-Policy") ?? ""
                #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), "\(path)")
                #expect(String(decoding: data, as: UTF8.self).contains(marker), "\(path)")
            }
            let (refused, _) = try await Self.post(client.baseURL + "/v1/utilisation", "", token: "x", method: "GET")
            #expect(refused == 401)
            // The server samples as it starts (maybe before the node registered), then every 10 s; one more now.
            await server.controller.sampleUtilisation()
            let (status, body) = try await Self.post(client.baseURL + "/v1/utilisation", "", method: "GET")
            #expect(status == 200)
            let list = try MusterJSON.decode(UtilisationList.self, from: Data(body.utf8))
            #expect(list.interval == 10)
            let sample = try #require(list.samples.last)
            #expect(sample.gpus == 8 && sample.nodesUp == 1 && sample.busyGPUs == 0)
        }
    }
}
