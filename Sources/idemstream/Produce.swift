import ArgumentParser
import Foundation
import Kafka

/// `idemstream produce`: sends feature writes, one JSON document per line, to a topic.
/// Each record is keyed by its entity (the `key` object's values joined with `|`), so all
/// writes of one entity land in one partition and keep their order.
struct ProduceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "produce",
    abstract: "Sends feature writes (JSON lines from FILE or standard input) to a Kafka topic.",
    discussion: """
      Each non-blank line becomes one record, sent as is. The record key is the line's \
      entity: the values of its "key" object in the order written, joined with "|" \
      ({"key":{"user_id":"u1"}} → u1; {"key":{"a":"x","b":2}} → x|2). A line without a \
      "key" object is still sent, without a record key (the service dead-letters it if it \
      is not a valid feature write). Nothing is sent unless a broker answers at --bootstrap \
      within --connect-timeout. Prints how many records were delivered.
      """)

  @Option(help: "Kafka bootstrap servers (host:port,...), e.g. what `idemstream broker` printed.")
  var bootstrap = "127.0.0.1:9092"

  @Option(help: "The topic to send to.")
  var topic: String

  @Option(
    help: """
      Send every record to this partition instead of the one its entity key hashes to.
      """)
  var partition: String?

  @Option(
    name: .customLong("header"),
    help: ArgumentHelp(
      "A header sent on every record (repeatable), e.g. --header operation=delete.",
      valueName: "name=value"))
  var headers: [String] = []

  @Option(
    name: .customShort("X"),
    help: ArgumentHelp(
      "A librdkafka producer property (repeatable), e.g. -X security.protocol=SSL.",
      valueName: "key=value"))
  var settings: [String] = []

  @Option(help: "Seconds to wait for a broker to answer before sending anything.")
  var connectTimeout = 5

  @Option(help: "Seconds to keep retrying undelivered records before giving up.")
  var timeout = 30

  @Flag(help: "Report as one JSON object.")
  var json = false

  @Argument(help: "A file of JSON lines; standard input when left out.")
  var file: String?

  func validate() throws {
    guard !topic.isEmpty else { throw ValidationError("--topic must not be empty") }
    guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
    guard connectTimeout >= 1 else {
      throw ValidationError("--connect-timeout must be at least 1 second")
    }
    _ = try parsedPartition()
    _ = try parsedHeaders()
    _ = try parsedSettings()
  }

  func run() async throws {
    let input: FileHandle
    if let file {
      guard let handle = FileHandle(forReadingAtPath: file) else {
        throw CommandFailure("cannot open \(file)")
      }
      input = handle
    } else {
      input = FileHandle.standardInput
    }
    let settings = try parsedSettings()
    let headers = try parsedHeaders()
    let partition = try parsedPartition()
    // A `-X bootstrap.servers` wins over --bootstrap, as every -X setting wins.
    let bootstrap = settings["bootstrap.servers"] ?? self.bootstrap
    var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
    configuration.deliveryTimeout = .seconds(timeout)
    // librdkafka's own lines about a broker it cannot reach would repeat the one error.
    configuration.settings = ["log_level": "2"].merging(settings) { _, given in given }
    let producer: KafkaProducer
    do {
      producer = try KafkaProducer(configuration: configuration)
    } catch {
      throw CommandFailure("cannot create a producer for \(bootstrap): \(error)")
    }
    try checkCluster(producer, bootstrap: bootstrap, partition: partition)
    var sent = 0
    var unkeyed = 0
    do {
      var lines = LineReader(input)
      while let line = try lines.next() {
        guard line.contains(where: { !Self.isBlank($0) }) else { continue }
        let key = EntityKey.of(line)
        if key == nil { unkeyed += 1 }
        try producer.send(
          topic: topic, key: key.map { Array($0.utf8) }, value: line, headers: headers,
          partition: partition)
        sent += 1
      }
      try producer.flush(timeout: .seconds(timeout + 10))
    } catch {
      throw CommandFailure("sent \(sent) line(s) to \(topic) at \(bootstrap), then: \(error)")
    }
    if json {
      print(#"{"topic":"\#(topic)","records":\#(sent),"without_key":\#(unkeyed)}"#)
    } else {
      print("produced \(sent) records to \(topic) (\(unkeyed) without an entity key)")
    }
  }

  /// Refuses, before anything is sent, a cluster no broker of which answers (a record sent
  /// there would only fail when --timeout has run out) and a --partition the topic lacks.
  private func checkCluster(_ producer: KafkaProducer, bootstrap: String, partition: Int32?)
    throws
  {
    do {
      try producer.checkReachable(timeout: .seconds(connectTimeout))
    } catch {
      throw CommandFailure(
        "cannot connect to \(bootstrap): no broker answered within \(connectTimeout) s — "
          + "start one, or give --bootstrap the host:port of a running broker (TLS and SASL "
          + "settings go in -X)")
    }
    guard let partition else { return }
    let partitions: [Int32]
    do {
      partitions = try producer.partitions(of: topic, timeout: .seconds(connectTimeout))
    } catch {
      throw CommandFailure(
        "--partition \(partition): cannot read the partitions of topic \(topic) at "
          + "\(bootstrap) (\(error)) — create the topic first")
    }
    guard partitions.contains(partition) else {
      let range =
        partitions.isEmpty
        ? "no partitions" : "partitions \(partitions.first!)–\(partitions.last!)"
      throw CommandFailure(
        "--partition \(partition): topic \(topic) has \(range) — give one of them, or leave "
          + "--partition out to send each record to its entity's partition")
    }
  }

  private func parsedPartition() throws -> Int32? {
    guard let partition else { return nil }
    guard let number = Int32(partition), number >= 0 else {
      throw CommandFailure(
        "--partition '\(partition)' is not a partition — give a whole number from 0")
    }
    return number
  }

  private func parsedHeaders() throws -> [KafkaHeader] {
    try headers.map { text in
      let (name, value) = try Self.split(text, flag: "--header", example: "operation=delete")
      return KafkaHeader(name: name, value: value)
    }
  }

  /// The -X settings, each checked by librdkafka on its own so that a refusal names it.
  private func parsedSettings() throws -> [String: String] {
    var parsed: [String: String] = [:]
    for text in settings {
      let (key, value) = try Self.split(text, flag: "-X", example: "linger.ms=50")
      do {
        try KafkaProducerConfiguration.check(setting: key, value: value)
      } catch let error as KafkaError {
        let fix =
          error.message.hasPrefix("No such configuration property")
          ? "give a librdkafka producer property" : "give a value the property takes"
        throw CommandFailure(
          "-X \(key)=\(value): \(error.message) — \(fix) (librdkafka's CONFIGURATION.md)")
      }
      parsed[key] = value
    }
    return parsed
  }

  /// `name=value`, split at the first `=`; the name may not be empty, the value may.
  private static func split(_ text: String, flag: String, example: String) throws -> (
    String, String
  ) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
      throw CommandFailure("\(flag) '\(text)' is not name=value — give e.g. \(flag) \(example)")
    }
    return (String(text[..<equals]), String(text[text.index(after: equals)...]))
  }

  private static func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
  }
}
