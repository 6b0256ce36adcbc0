import Kafka
import Logging
import Synchronization

/// Sends librdkafka's log lines through the service's logger, once each.
///
/// librdkafka reports a broker failure twice: as a log line and, with the same text, as an
/// error event for the poll. The line is logged here as it comes (on librdkafka's thread);
/// the loop asks `alreadyLogged` before it logs an event, so that the failure appears once.
/// Errors that librdkafka does not log (`1/1 brokers are down`) are still the loop's to log.
final class KafkaLogForwarder: Sendable {
  private let logger: Logger
  /// The latest lines, oldest first: what an error event may repeat (of any severity: a
  /// broker disconnecting is an info line and a `_TRANSPORT` event). Bounded: a line no
  /// event repeats is forgotten after `kept` more.
  private let recent = Mutex<[String]>([])
  static let kept = 256

  init(logger: Logger) { self.logger = logger }

  func log(_ message: KafkaLogMessage) {
    logger.log(
      level: Self.level(message.severity), "\(message.text)",
      metadata: ["librdkafka": "\(message.facility)"])
    recent.withLock { lines in
      lines.append(message.text)
      if lines.count > Self.kept { lines.removeFirst(lines.count - Self.kept) }
    }
  }

  /// Whether `error` repeats a line logged already (which is then forgotten: one line
  /// stands for one event).
  func alreadyLogged(_ error: KafkaError) -> Bool {
    guard !error.message.isEmpty else { return false }
    return recent.withLock { lines in
      guard let index = lines.lastIndex(where: { $0.hasSuffix(error.message) }) else {
        return false
      }
      lines.remove(at: index)
      return true
    }
  }

  /// syslog severities as swift-log levels.
  static func level(_ severity: Int32) -> Logger.Level {
    switch severity {
    case ...2: return .critical
    case 3: return .error
    case 4: return .warning
    case 5: return .notice
    case 6: return .info
    default: return .debug
    }
  }
}
