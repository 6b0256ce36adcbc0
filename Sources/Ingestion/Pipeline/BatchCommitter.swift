import Foundation
import Logging
import Metrics
import OnlineStore

/// Commits batches on a thread of its own, strictly in order, while the loop decodes and
/// decides the next batch: the two stores' commits overlap with the per-record work.
///
/// At most one batch waits while one commits, which bounds memory and keeps the loop from
/// running ahead. The stores belong to this thread once it starts; the loop reaches them
/// only through `whenIdle`.
final class BatchCommitter: @unchecked Sendable {
  /// A batch both stores took, with what the online store did with it.
  struct Completed {
    var batch: PendingBatch
    var result: OnlineApplyResult
    /// Wall-clock epoch milliseconds when the online commit finished.
    var committedAtMillis: Int64
  }

  private let condition = NSCondition()
  private var waiting: [(PendingBatch, [DedupEntryRecord])] = []
  private var busy = false
  private var completed: [Completed] = []
  private var failure: (any Error)?
  private var closed = false
  private let stores: IngestionStores
  private let service: IngestionService

  init(stores: IngestionStores, service: IngestionService) {
    self.stores = stores
    self.service = service
    let thread = Thread { [self] in self.work() }
    thread.name = "idemstream-committer"
    thread.start()
  }

  /// Hands a decided batch over; waits while another batch is already waiting.
  func submit(_ batch: PendingBatch, dedupEntries: [DedupEntryRecord]) throws {
    condition.lock()
    defer { condition.unlock() }
    // One batch committing and this one: the loop decides the next batch meanwhile, but
    // never holds a third (each is tens of MB at the batch bound).
    while (!waiting.isEmpty || busy) && failure == nil { condition.wait() }
    if let failure { throw failure }
    waiting.append((batch, dedupEntries))
    condition.broadcast()
  }

  /// The batches committed since the last call; throws the error that stopped the thread.
  func takeCompleted() throws -> [Completed] {
    condition.lock()
    defer { condition.unlock() }
    if let failure { throw failure }
    let done = completed
    completed = []
    return done
  }

  var isIdle: Bool {
    condition.lock()
    defer { condition.unlock() }
    return waiting.isEmpty && !busy
  }

  /// Waits until every submitted batch is committed, then runs `body` with the stores
  /// (nothing else touches them meanwhile) and returns the batches completed.
  func whenIdle(_ body: (IngestionStores) throws -> Void = { _ in }) throws -> [Completed] {
    condition.lock()
    defer { condition.unlock() }
    while (!waiting.isEmpty || busy) && failure == nil { condition.wait() }
    if let failure { throw failure }
    try body(stores)
    let done = completed
    completed = []
    return done
  }

  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  private func work() {
    while true {
      condition.lock()
      while waiting.isEmpty && !closed { condition.wait() }
      if waiting.isEmpty {
        condition.unlock()
        return
      }
      var (batch, entries) = waiting.removeFirst()
      busy = true
      condition.broadcast()
      condition.unlock()
      do {
        let result = try commitRetrying(&batch, entries)
        let done = Completed(
          batch: batch, result: result,
          committedAtMillis: Int64(Date().timeIntervalSince1970 * 1000))
        condition.lock()
        completed.append(done)
        busy = false
        condition.broadcast()
        condition.unlock()
      } catch {
        condition.lock()
        failure = error
        busy = false
        condition.broadcast()
        condition.unlock()
        return
      }
    }
  }

  /// Retries with backoff while a store refuses (a full or read-only disk): the batch stays
  /// in hand, nothing advances, nothing is lost. Gives up only when a stop is requested.
  private func commitRetrying(_ batch: inout PendingBatch, _ entries: [DedupEntryRecord]) throws
    -> OnlineApplyResult
  {
    var backoff = Duration.milliseconds(100)
    while true {
      do {
        let result = try stores.commit(&batch, dedupEntries: entries)
        Gauge(label: "idemstream_commit_failing").record(0)
        return result
      } catch {
        // The counter says how often, the gauge whether it is failing right now.
        Counter(label: "idemstream_commit_failures_total").increment()
        Gauge(label: "idemstream_commit_failing").record(1)
        service.logger.error(
          "commit failed; retrying the same batch",
          metadata: [
            "error": "\(error)", "retry_in_ms": "\(IngestionService.milliseconds(backoff))",
          ])
        waitBeforeRetry(backoff)
        if service.isStopRequested {
          throw IngestionError.stoppedWhileCommitFailing("\(error)")
        }
        backoff = min(backoff * 2, .seconds(5))
      }
    }
  }

  /// Sleeps `backoff` in short slices, so that SIGTERM during a failing commit ends the
  /// process within a fraction of a second rather than after the whole backoff.
  private func waitBeforeRetry(_ backoff: Duration) {
    let until = ContinuousClock.now + backoff
    while ContinuousClock.now < until && !service.isStopRequested {
      Thread.sleep(forTimeInterval: 0.02)
    }
  }
}
