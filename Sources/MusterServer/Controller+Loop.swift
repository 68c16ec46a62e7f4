import MusterCore

extension Controller {
    /// The scheduler loop: applies what the restore asked for, then sleeps until an event wakes it or the
    /// lifecycle's next deadline passes, ticks and plans. Idle, it wakes only at deadlines (a node's heartbeat
    /// timeout): no polling. Returns when the task is cancelled or the controller shuts down.
    public func run() async {
        logger.info("scheduler loop started", metadata: ["policy": "\(config.policy)"])
        let restore = pendingRestore
        pendingRestore = []
        try? await apply(restore)
        while !Task.isCancelled && !shuttingDown {
            await waitForWake(until: lifecycle.nextDeadline())
            guard !shuttingDown, !reloading else { continue }
            if !pendingRestore.isEmpty {
                let again = pendingRestore
                pendingRestore = []
                try? await apply(again)
            }
            let now = clock.now()
            try? await apply(lifecycle.tick(now: now))
            // Read only when some ended job is due: under load the commit queue holds thousands of rows.
            var durableSoon: Set<JobID>?
            let forgotten = lifecycle.forgetEnded(now: now) { id in
                if durableSoon == nil { durableSoon = notDurable() }
                return durableSoon!.contains(id)
            }
            if forgotten > 0 { logger.debug("forgot \(forgotten) ended job(s): the store answers for them") }
            let started = ContinuousClock.now
            let before = lifecycle.attemptsStarted + lifecycle.preemptionsMade
            let directives = lifecycle.plan(now: clock.now())
            metrics.passDuration.recordSeconds(Self.seconds(ContinuousClock.now - started))
            metrics.passDecisions.record(lifecycle.attemptsStarted + lifecycle.preemptionsMade - before)
            try? await apply(directives)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Asks the scheduler loop for a pass soon.
    func wake() {
        wakeRequested = true
        if let waiter = wakeWaiter {
            wakeWaiter = nil
            waiter.resume()
        }
    }

    /// Returns once woken, or at `deadline` (the clock's time), whichever is first.
    private func waitForWake(until deadline: Double?) async {
        if wakeRequested {
            wakeRequested = false
            return
        }
        var timer: Task<Void, Never>?
        if let deadline {
            let delay = min(3600, max(0.001, deadline - clock.now() + 0.001))
            timer = Task { [weak self] in
                try? await Task.sleep(for: .seconds(delay))
                // A cancelled timer must not wake the loop: that was the idle spin.
                guard !Task.isCancelled else { return }
                await self?.wake()
            }
        }
        await withCheckedContinuation { wakeWaiter = $0 }
        timer?.cancel()
        wakeRequested = false
    }
}
