import ArgumentParser
import Foundation
import Kafka

/// `idemstream broker`: the embedded Kafka broker as a process of its own, so that a
/// producer, the service and Python tools can share it during development and demos.
struct BrokerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "broker",
    abstract: "Runs the embedded Kafka broker (librdkafka's mock cluster) on loopback.",
    discussion: """
      Prints the bootstrap address (host:port) as the first line of standard output, then \
      serves the real Kafka protocol until SIGINT or SIGTERM. Any Kafka client can connect.

      This is a test broker, not a Kafka server: it keeps everything in memory, about 5 MB \
      per partition (older records are dropped, moving the partition's log start), and \
      forgets everything when it stops. Topics that clients ask for are created with 4 \
      partitions unless created here first.
      """)

  @Option(help: "Partitions of the topic created at start.")
  var partitions = 4

  @Option(help: "The topic created at start.")
  var topic = "features"

  func validate() throws {
    guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
    guard !topic.isEmpty else { throw ValidationError("--topic must not be empty") }
  }

  func run() async throws {
    let broker: EmbeddedBroker
    do {
      broker = try EmbeddedBroker(topics: [topic: partitions])
    } catch {
      throw CommandFailure("cannot start the embedded broker: \(error)")
    }
    print(broker.bootstrapServers)
    fflush(nil)  // all streams: the address must reach a pipe reader now
    let signal = await waitForTermination()
    FileHandle.standardError.write(Data("broker: stopping on \(signal)\n".utf8))
    withExtendedLifetime(broker) {}
  }

  /// Suspends until SIGINT or SIGTERM arrives; returns the signal's name.
  private func waitForTermination() async -> String {
    let signals = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")]
    let queue = DispatchQueue(label: "idemstream.broker.signals")
    return await withCheckedContinuation { continuation in
      let resumed = ResumeOnce(continuation)
      for (number, name) in signals {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler { resumed.resume(name) }
        source.resume()
        resumed.keep(source)
      }
    }
  }
}

/// Resumes a continuation once, whichever signal comes first, and keeps the signal
/// sources alive meanwhile (its state is guarded by `lock`).
private final class ResumeOnce: @unchecked Sendable {
  private let lock = NSLock()
  private var continuation: CheckedContinuation<String, Never>?
  private var sources: [any DispatchSourceSignal] = []

  init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

  func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }

  func resume(_ name: String) {
    let pending = lock.withLock {
      defer { continuation = nil }
      return continuation
    }
    pending?.resume(returning: name)
  }
}
