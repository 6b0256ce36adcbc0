/// One of librdkafka's own log lines (a broker connection failing, a config warning), handed
/// to `KafkaConsumerConfiguration.logHandler` instead of being printed by librdkafka.
public struct KafkaLogMessage: Sendable, Hashable {
  /// The syslog severity librdkafka gave it: 0–2 critical, 3 error, 4 warning, 5 notice,
  /// 6 info, 7 debug.
  public let severity: Int32
  /// librdkafka's facility, e.g. `FAIL` or `CONFWARN`.
  public let facility: String
  /// The line, e.g. `[thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ...`.
  public let text: String

  public init(severity: Int32, facility: String, text: String) {
    self.severity = severity
    self.facility = facility
    self.text = text
  }
}
