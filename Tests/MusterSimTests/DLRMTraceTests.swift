import Foundation
import MusterCore
import Testing

@testable import MusterSim

@Suite struct DLRMTraceTests {
    static let header =
        "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,"
        + "memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,scheduled_time,"
        + "deletion_time\n"
    static var realTrace: Bool {
        InputFixtures.traceDirectory.map { FileManager.default.fileExists(atPath: $0 + "/" + DLRMTrace.file) }
            ?? false
    }

    /// One row: a GPU (HN) or CPU (CN) instance of `app` alive from `created` to `deleted` ("" or NaN: unknown).
    static func row(_ n: Int, _ role: String = "HN", _ app: String, _ created: String, _ deleted: String) -> String {
        let gpus = role == "HN" ? 1 : 0
        return "instance_\(n),\(role),\(app),12,12,\(gpus),\(gpus),25,25,120.0,120.0,640.0,800.0,8,"
            + "\(created),\(created),\(deleted)\n"
    }

    static func trace(_ rows: [String]) throws -> DLRMTrace {
        try DLRMTrace.load(path: try InputFixtures.file("dlrm.csv.gz", header + rows.joined()))
    }

    @Test(.enabled(if: realTrace, "no alibaba-dlrm-2025 trace in the trace directory"))
    func readsThe7386GPUReplicasOf156ServicesAndSkipsTheCPURows() throws {
        let trace = try DLRMTrace.load(traceDirectory: InputFixtures.traces)
        #expect(trace.replicas.count == 7_386)
        #expect(trace.cpuRows == 16_485)
        #expect(trace.services == 156)
        #expect(trace.horizon == 31 * 86_400)
        #expect(
            trace.replicas.allSatisfy { 0 <= $0.created && $0.created <= $0.deleted && $0.deleted <= trace.horizon })
        #expect(zip(trace.replicas, trace.replicas.dropFirst()).allSatisfy { $0.created <= $1.created })
        #expect(trace.replicas.contains { $0.created == 0 } && trace.replicas.contains { $0.deleted == trace.horizon })
        let curve = ReplicaCurve(trace)
        #expect(Double(curve.p50) <= Double(curve.p95) && Double(curve.p95) <= Double(curve.peak))
        #expect(curve.mean > 0 && curve.mean <= Double(curve.peak))
    }

    @Test func missingTimesMeanTheTraceStartAndItsEnd() throws {
        let trace = try Self.trace([
            Self.row(0, "HN", "a", "", "NaN"), Self.row(1, "HN", "a", "nan", "100.4"),
            Self.row(2, "HN", "b", "3973.0000000000005", ""), Self.row(3, "CN", "c", "", ""),
        ])
        #expect(
            trace.replicas == [
                .init(service: "a", created: 0, deleted: DLRMTrace.span), .init(service: "a", created: 0, deleted: 100),
                .init(service: "b", created: 3_973, deleted: DLRMTrace.span),
            ])
        #expect(trace.cpuRows == 1)
        #expect(trace.services == 3, "a service with only CPU rows still counts")
    }

    @Test func aMalformedRowIsRefusedWithItsLineAndField() throws {
        let role = InputFixtures.errorText { _ = try Self.trace([Self.row(0, "XX", "a", "", "")]) }
        #expect(role.contains("line 2") && role.contains("role"))
        let order = InputFixtures.errorText { _ = try Self.trace([Self.row(0, "HN", "a", "50", "10")]) }
        #expect(order.contains("deletion_time") && order.contains("before the creation"))
        let header = InputFixtures.errorText {
            _ = try DLRMTrace.load(path: try InputFixtures.file("bad.csv", "a,b\n"))
        }
        #expect(header.contains("header should be"))
    }

    @Test func aWholeBurstMultipliesEveryServicesConcurrentReplicas() throws {
        let trace = DLRMTrace(
            replicas: [
                .init(service: "a", created: 0, deleted: 100), .init(service: "a", created: 50, deleted: 200),
                .init(service: "b", created: 10, deleted: 300),
            ], horizon: 400)
        let doubled = try trace.scaled(by: 2)
        for service in ["a", "b"] {
            #expect(
                doubled.replicas.filter { $0.service == service }.count
                    == 2 * trace.replicas.filter { $0.service == service }.count)
        }
        let (once, twice) = (ReplicaCurve(trace), ReplicaCurve(doubled))
        #expect(twice.peak == 2 * once.peak && twice.p95 == 2 * once.p95 && twice.mean == 2 * once.mean)
        // A fraction spreads the extra copies evenly: the k-th replica gets floor((k+1)x) - floor(kx).
        let half = try trace.scaled(by: 1.5)
        #expect(half.replicas.filter { $0.service == "a" }.count == 3)
        #expect(half.replicas.filter { $0.service == "b" }.count == 1)
        #expect(try trace.scaled(by: 0.5).replicas.count == 1)
    }

    @Test func aBurstWindowAddsCopiesOnlyInsideIt() throws {
        let trace = DLRMTrace(
            replicas: [
                .init(service: "a", created: 0, deleted: 1_000), .init(service: "a", created: 600, deleted: 700),
            ], horizon: 1_000)
        let burst = try trace.scaled(by: 3, during: 100..<500)
        // The first replica keeps its whole life and gets two copies clipped to the window; the second lives
        // after the window, so its copies vanish.
        #expect(burst.replicas.count == 4)
        #expect(burst.replicas.filter { $0.created == 100 && $0.deleted == 500 }.count == 2)
        #expect(ReplicaCurve(burst).peak == 3)
        #expect(throws: TraceError.self) { try trace.scaled(by: 0.5, during: 100..<500) }
        #expect(throws: TraceError.self) { try trace.scaled(by: 0) }
    }

    @Test func theCurveWeighsEachLevelByHowLongItLasts() {
        // One replica all along, a second for the first quarter of the span.
        let trace = DLRMTrace(
            replicas: [.init(service: "a", created: 0, deleted: 400), .init(service: "a", created: 0, deleted: 100)],
            horizon: 400)
        let curve = ReplicaCurve(trace)
        #expect(curve.peak == 2)
        #expect(curve.mean == 1.25)
        #expect(curve.p50 == 1 && curve.p95 == 2)
    }
}
