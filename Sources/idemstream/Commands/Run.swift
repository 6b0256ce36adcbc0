import ArgumentParser
import Dispatch
import Foundation
import Ingestion
import Kafka
import Logging
import NIOCore

/// `idemstream run`: the service.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the ingestion service.",
    discussion: """
      Consumes the configured topics in the consumer group and writes every feature write \
      exactly once to the online store and the offline Delta tables. SIGINT or SIGTERM \
      finishes the batch in hand, commits it and exits. Without kafka.bootstrap_servers in \
      the config, an embedded broker is started (see `idemstream broker`).
      """)

  @OptionGroup var options: ConfigOptions

  @Flag(
    help:
      "Exit 0 once every assigned partition is taken to the high watermark seen at start and committed to both stores."
  )
  var stopAtEnd = false

  @Option(help: "Serve Prometheus metrics on this port (1–65535) at /metrics.")
  var metricsPort: String?

  @Flag(help: "Print the run's totals as one JSON document.")
  var json = false

  @Flag(help: .hidden) var measureFreshness = false

  func validate() throws {
    if let metricsPort { _ = try PortArgument.port(metricsPort, flag: "--metrics-port") }
  }

  func run() throws {
    var config = try options.load()
    let logger = options.logger()
    // Before the broker and the stores: a port in use is found before anything starts.
    let endpoint = try metricsPort.map { text in
      let port = try PortArgument.port(text, flag: "--metrics-port")
      do {
        return try MetricsEndpoint.start(port: port, version: Idemstream.version)
      } catch let error as IOError where error.errnoCode == EADDRINUSE {
        throw CommandFailure(
          "--metrics-port \(port): the port is already in use — stop what listens there, "
            + "or give --metrics-port another port")
      } catch {
        throw CommandFailure(
          "--metrics-port \(port): cannot listen there (\(error)) — give --metrics-port "
            + "another port")
      }
    }
    defer { endpoint?.stop() }
    var broker: EmbeddedBroker?
    if config.kafka.bootstrapServers == nil {
      let embedded = try EmbeddedBroker(
        topics: Dictionary(uniqueKeysWithValues: config.kafka.topics.map { ($0, 4) }))
      config.kafka.bootstrapServers = embedded.bootstrapServers
      logger.notice(
        "started the embedded broker", metadata: ["bootstrap": "\(embedded.bootstrapServers)"])
      broker = embedded
    }
    defer { _ = broker }
    var serviceOptions = IngestionService.Options()
    serviceOptions.stopAtEnd = stopAtEnd
    serviceOptions.measureFreshness = measureFreshness
    let progress = ProgressLine(enabled: standardOutputIsTerminal && !json)
    serviceOptions.onCommit = { counts in progress.show(counts.summaryLine) }
    serviceOptions.readiness = endpoint?.readiness
    let service = IngestionService(config: config, options: serviceOptions, logger: logger)
    let signals = SignalHandlers { service.requestStop() }
    defer { signals.cancel() }
    let totals: IngestionCounts
    do {
      totals = try service.run()
    } catch {
      throw CommandFailure("\(error)")
    }
    progress.finish()
    logEnd(totals, stopped: service.isStopRequested, logger: logger)
    if json {
      try printJSON(totals)
    } else {
      print(totals.summaryLine)
    }
  }
}

/// SIGINT and SIGTERM call `onSignal` (once per signal) instead of killing the process.
final class SignalHandlers {
  private let sources: [any DispatchSourceSignal]

  init(onSignal: @escaping @Sendable () -> Void) {
    sources = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler(handler: onSignal)
      source.resume()
      return source
    }
  }

  func cancel() { for source in sources { source.cancel() } }
}

/// One self-overwriting line of progress on a terminal; nothing when output is piped.
final class ProgressLine: Sendable {
  let enabled: Bool

  init(enabled: Bool) { self.enabled = enabled }

  func show(_ text: String) {
    guard enabled else { return }
    FileHandle.standardOutput.write(Data("\r\u{1B}[2K\(text)".utf8))
  }

  func finish() {
    guard enabled else { return }
    FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
  }
}

extension Run {
  /// The one line `run` logs when it ends. A run that dead-lettered records still exits 0 (it
  /// did its work: each record has its one effect, the bad ones in the dead-letter table);
  /// the line is a warning then, and names the count and where to look.
  func logEnd(_ totals: IngestionCounts, stopped: Bool, logger: Logger) {
    let how = stopped ? "stopped by a signal" : "caught up"
    let line = "run ended (\(how)): \(totals.summaryLine)"
    guard totals.deadLettered > 0 else {
      logger.info("\(line)")
      return
    }
    logger.warning(
      """
      \(line) — \(totals.deadLettered) \(totals.deadLettered == 1 ? "record was" : "records were") \
      dead-lettered: `idemstream dead-letters --config \(options.config)` lists them
      """)
  }
}
