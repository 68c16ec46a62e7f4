import MusterCore
import Testing

/// `Lifecycle.gpuUse()`: every registered GPU is in exactly one use, by model.
@Suite struct GPUUseTests {
    typealias T = LifecycleTests

    @Test func everyGPUIsAllocatedIdleDrainedOrDown() throws {
        var (life, nodes) = try T.placedGang()
        let other = "gpu-c"
        _ = try life.register(T.inventory(other), now: 0)
        _ = life.plan(now: 0)
        #expect(life.gpuUse() == [Self.use(allocated: 16, idle: 8)])
        _ = try life.drain(other, reason: "fan", now: false, by: T.root, at: 1)
        #expect(life.gpuUse() == [Self.use(allocated: 16, drained: 8)])
        // A node of the gang goes silent past the timeout: its GPUs are down, the other node's still held.
        _ = try life.heartbeat(node: nodes[1], running: [], now: 5)
        _ = try life.heartbeat(node: other, running: [], now: 5)
        _ = life.tick(now: 12)
        let use = try #require(life.gpuUse().first)
        #expect(use.down == 8 && use.drained == 8 && use.total == 24, "\(use)")
    }

    static func use(allocated: Int = 0, idle: Int = 0, drained: Int = 0, down: Int = 0) -> GPUUse {
        var use = GPUUse(model: "H100")
        use.allocated = allocated
        use.idle = idle
        use.drained = drained
        use.down = down
        return use
    }
}
