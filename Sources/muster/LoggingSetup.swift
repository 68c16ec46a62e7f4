import Foundation
import Logging

/// Sets up swift-log once per process: to standard error, at `level` (or $MUSTER_LOG_LEVEL).
enum LoggingSetup {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
    }()

    static func logger(_ label: String, level: Logger.Level = .info) -> Logger {
        _ = once
        var logger = Logger(label: label)
        let env = ProcessInfo.processInfo.environment["MUSTER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = env ?? level
        return logger
    }
}
