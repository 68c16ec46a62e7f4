/// An ended job to forget at `due` (`Lifecycle.forgetEnded`): ordered by time, then id.
struct ForgetEntry: Sendable, Comparable {
    var due: Double
    var id: JobID

    static func < (a: ForgetEntry, b: ForgetEntry) -> Bool { (a.due, a.id) < (b.due, b.id) }
}
