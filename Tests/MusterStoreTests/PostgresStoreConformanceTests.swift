import Foundation
import Logging
import MusterCore
import PostgresNIO
import Testing

@testable import MusterStore

/// The shared `Store` conformance checks, on PostgreSQL: each in a new database of the test server.
@Suite(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipMessage))
struct PostgresStoreConformanceTests {
    /// Runs one conformance check; `open` opens the same database each time it is called.
    func check(_ body: (StoreConformance) async throws -> Void) async throws {
        try await PostgresTestServer.withDatabase { url in
            try await body(
                StoreConformance(open: { try await PostgresStore(url: url, logger: PostgresTestServer.logger) }))
        }
    }

    @Test func emptyStoreLoadsNothing() async throws {
        try await check { try await $0.emptyStoreLoadsNothing() }
    }

    @Test func committedRowsLoadBackEqual() async throws {
        try await check { try await $0.committedRowsLoadBackEqual() }
    }

    @Test func servicesRoundTrip() async throws {
        try await check { try await $0.servicesRoundTrip() }
    }

    @Test func batchAttemptStepsRoundTrip() async throws {
        try await check { try await $0.batchAttemptStepsRoundTrip() }
    }

    @Test func laterCommitReplacesByKey() async throws {
        try await check { try await $0.laterCommitReplacesByKey() }
    }

    @Test func rowsSurviveReopening() async throws {
        try await check { try await $0.rowsSurviveReopening() }
    }

    @Test func concurrentCommitsAllLand() async throws {
        try await check { try await $0.concurrentCommitsAllLand() }
    }

    @Test func largeBatchCommitsWhole() async throws {
        try await check { try await $0.largeBatchCommitsWhole() }
    }

    @Test func awkwardTextRoundTrips() async throws {
        try await check { try await $0.awkwardTextRoundTrips() }
    }

    @Test func endedUseSumsGPUSecondsByTeamAndWindow() async throws {
        try await check { try await $0.endedUseSumsGPUSecondsByTeamAndWindow() }
    }

    @Test func startLoadsOnlyLiveJobsAndEndedOnesAreReadWhenAsked() async throws {
        try await check { try await $0.startLoadsOnlyLiveJobsAndEndedOnesAreReadWhenAsked() }
    }
}
