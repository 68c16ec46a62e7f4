extension AsyncSequence {
    /// Every element, in order (a query's decoded rows).
    func array() async throws -> [Element] {
        var out: [Element] = []
        for try await element in self { out.append(element) }
        return out
    }
}
