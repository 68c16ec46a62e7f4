extension Cluster {
    /// Checks that the indexes agree with the nodes and that no GPU is held twice or both held and free.
    /// Returns every violation found (empty when all is well).
    /// - Complexity: O(nodes × depth × maxGPUsPerNode + GPUs held).
    public func invariantViolations(running: [RunningJob]) -> [InvariantViolation] {
        var problems: [InvariantViolation] = []
        var held = [UInt64](repeating: 0, count: nodeCount)
        for job in running {
            for (i, node32) in job.placement.nodes.enumerated() {
                let node = Int(node32)
                let mask = job.placement.gpuMasks[i]
                if held[node] & mask != 0 {
                    problems.append(
                        .doubleBooked(node: nodeNames[node], gpus: mask & held[node], job: job.id))
                }
                if freeMask[node] & mask != 0 {
                    problems.append(.heldAndFree(node: nodeNames[node], gpus: freeMask[node] & mask, job: job.id))
                }
                held[node] |= mask
            }
        }
        var expectedCap = [Int32](repeating: 0, count: cap.count)
        var expectedFree = [Int64](repeating: 0, count: blockCount)
        var total = 0
        for node in 0..<nodeCount {
            let free = freeMask[node].nonzeroBitCount
            if free != Int(freeGPUs[node]) {
                problems.append(
                    .countMismatch("node \(nodeNames[node]) counts \(freeGPUs[node]) free, mask has \(free)"))
            }
            if freeMask[node] & ~capacityMask(node) != 0 {
                problems.append(.countMismatch("node \(nodeNames[node]) has free GPUs beyond its capacity"))
            }
            total += free
            var b = Int(nodeBlock[node])
            while b >= 0 {
                expectedFree[b] += Int64(free)
                if free > 0 {
                    let slice = capSlice(model: Int(nodeModel[node]))
                    for k in 1...free {
                        expectedCap[(k - 1) * blockCount + b] += 1
                        if slice > 0 { expectedCap[slice + (k - 1) * blockCount + b] += 1 }
                    }
                }
                b = Int(blockParent[b])
            }
        }
        if total != freeTotal {
            problems.append(.countMismatch("cluster counts \(freeTotal) free GPUs, nodes have \(total)"))
        }
        for b in 0..<blockCount {
            if expectedFree[b] != blockFree[b] {
                problems.append(
                    .countMismatch(
                        "block #\(b) (\(levelNames[Int(blockLevel[b])])) counts \(blockFree[b]) free GPUs, "
                            + "its nodes have \(expectedFree[b])"))
            }
            // A block's free count must equal the sum of its children's.
            if blockLevel[b] > 0 {
                let children = Int(blockChildStart[b])..<Int(blockChildEnd[b])
                let sum = children.reduce(Int64(0)) { $0 + blockFree[$1] }
                if sum != blockFree[b] {
                    problems.append(.countMismatch("block #\(b) counts \(blockFree[b]) free, children sum to \(sum)"))
                }
            }
        }
        if expectedCap != cap { problems.append(.countMismatch("per-block capacity index disagrees with nodes")) }
        var seen = 0
        for f in 0...maxGPUsPerNode {
            var node = bucketHead[f]
            while node >= 0 {
                if Int(freeGPUs[Int(node)]) != f {
                    problems.append(.countMismatch("node \(nodeNames[Int(node)]) is in the \(f)-free list"))
                }
                seen += 1
                node = bucketNext[Int(node)]
                if seen > nodeCount { break }
            }
        }
        if seen != nodeCount {
            problems.append(.countMismatch("free lists hold \(seen) nodes, cluster has \(nodeCount)"))
        }
        return problems
    }
}

/// A broken invariant of the cluster state: always a bug in Muster.
public enum InvariantViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// A GPU belongs to two running jobs.
    case doubleBooked(node: String, gpus: UInt64, job: JobID)
    /// A GPU is held by a running job and also counted free.
    case heldAndFree(node: String, gpus: UInt64, job: JobID)
    /// A derived count disagrees with the nodes.
    case countMismatch(String)

    public var description: String {
        switch self {
        case .doubleBooked(let node, let gpus, let job):
            "GPU(s) \(String(gpus, radix: 2)) on \(node) are held by job \(job) and another running job"
        case .heldAndFree(let node, let gpus, let job):
            "GPU(s) \(String(gpus, radix: 2)) on \(node) are held by job \(job) but counted free"
        case .countMismatch(let message): message
        }
    }
}
