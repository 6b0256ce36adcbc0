import Dispatch
import NIOPosix

/// The one place where the synchronous Delta API waits for the asynchronous S3 client.
///
/// It waits on the calling thread (a committer thread, a tool's main thread), never on an
/// event loop: waiting there would stop the loop the answer must arrive on, so that is a
/// programming error and traps.
enum Blocking {
  static func wait<Result: Sendable>(_ operation: @escaping @Sendable () async throws -> Result)
    throws -> Result
  {
    precondition(
      MultiThreadedEventLoopGroup.currentEventLoop == nil,
      "S3 storage waited on an event loop; call the Delta API from a thread of its own")
    let box = ResultBox<Result>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      do {
        box.set(.success(try await operation()))
      } catch {
        box.set(.failure(error))
      }
      done.signal()
    }
    done.wait()
    return try box.get()
  }
}

/// Carries the result from the task to the waiting thread; the semaphore orders the two.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
  private var result: Swift.Result<Value, any Error>?

  func set(_ value: Swift.Result<Value, any Error>) { result = value }

  func get() throws -> Value {
    guard let result else { preconditionFailure("no result after the semaphore") }
    return try result.get()
  }
}
