import ArgumentParser
import Foundation
import Ingestion
import Kafka
import Logging

/// `idemstream status`: per partition, the high watermark and each store's position.
struct Status: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Show per partition the high watermark, the online and offline positions and the lag.",
    discussion: """
      Offsets are Kafka's next offsets: the high watermark is the offset the next record \
      written gets, and each store's column the next offset it reads. Without a broker that \
      answers, the stores' positions are shown and the lag is unknown.
      """)
  @OptionGroup var options: ConfigOptions
  @Flag(help: "Print one JSON document.") var json = false

  /// How long `status` waits for a broker at most, even when kafka.connect_timeout is
  /// longer: the stores' positions are worth showing at once during an outage.
  static let maxBrokerWait: Int64 = 5000

  /// The `--json` document: the partitions, and why the lag is unknown when it is.
  struct Document: Encodable {
    let partitions: [PartitionStatus]
    let kafkaError: String?

    enum CodingKeys: String, CodingKey {
      case partitions
      case kafkaError = "kafka_error"
    }

    /// `kafka_error` always, null when the broker answered.
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(partitions, forKey: .partitions)
      try container.encode(kafkaError, forKey: .kafkaError)
    }
  }

  func run() throws {
    do {
      let config = try options.load()
      let logger = options.logger()
      let inspector = try StoreInspector(config: config)
      let (highs, problem) = Self.highWatermarks(config, logger: logger)
      if let problem {
        logger.warning(
          """
          lag is unknown: \(problem) — the positions shown are the stores' own; the lag needs \
          a broker that answers at kafka.bootstrap_servers
          """)
      }
      let rows = try StatusReport.build(inspector: inspector, highWatermarks: highs)
      if json {
        try printJSON(Document(partitions: rows, kafkaError: problem))
      } else {
        print(StatusReport.text(rows))
      }
    } catch { throw CommandFailure("\(error)") }
  }

  /// Every configured partition's high watermark, or why there are none.
  static func highWatermarks(_ config: IdemstreamConfig, logger: Logger) -> (
    [TopicPartition: Int64], String?
  ) {
    guard let bootstrap = config.kafka.bootstrapServers else {
      return ([:], "kafka.bootstrap_servers is not set (an embedded broker lives only in `run`)")
    }
    let wait = min(config.kafka.connectTimeoutMillis, maxBrokerWait)
    var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap)
    // librdkafka's own lines about a broker it cannot reach would repeat the one warning.
    configuration.logHandler = { message in
      logger.debug("\(message.text)", metadata: ["librdkafka": "\(message.facility)"])
    }
    do {
      let consumer = try KafkaConsumer(configuration: configuration)
      defer { try? consumer.close() }
      do {
        try consumer.checkReachable(timeout: .milliseconds(wait))
      } catch let error as KafkaError {
        return (
          [:],
          "cannot reach the Kafka cluster at \(bootstrap) within "
            + "\(DurationParser.text(millis: wait)) (\(error.code.text))"
        )
      }
      var highs: [TopicPartition: Int64] = [:]
      for topic in config.kafka.topics {
        for partition in try consumer.partitions(of: topic) {
          let topicPartition = TopicPartition(topic, partition)
          highs[topicPartition] = try consumer.queryWatermarks(topicPartition).high
        }
      }
      return (highs, nil)
    } catch {
      return ([:], "the Kafka cluster at \(bootstrap) did not give the high watermarks (\(error))")
    }
  }
}
