extension RandomAccessCollection {
    /// The first index whose element does not satisfy `belongsBefore`, by binary search: the collection must be
    /// partitioned by it (every element that satisfies it comes first), as a sorted one is by `{ $0 < x }`.
    public func partitionPoint(_ belongsBefore: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let mid = index(low, offsetBy: half)
            if belongsBefore(self[mid]) {
                low = index(after: mid)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}
