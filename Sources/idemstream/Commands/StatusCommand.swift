import ArgumentParser
import Foundation
import Ingestion
import Kafka

/// `idemstream status`: per partition, the high watermark and each store's position.
struct Status: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show per partition the high watermark, the online and offline positions and the lag."
  )
  @OptionGroup var options: ConfigOptions
  @Flag(help: "Print one JSON document.") var json = false

  func run() throws {
    do {
      let config = try options.load()
      let inspector = try StoreInspector(config: config)
      var highs: [TopicPartition: Int64] = [:]
      if let bootstrap = config.kafka.bootstrapServers {
        let consumer = try KafkaConsumer(
          configuration: KafkaConsumerConfiguration(bootstrapServers: bootstrap))
        defer { try? consumer.close() }
        for topic in config.kafka.topics {
          for partition in try consumer.partitions(of: topic) {
            let topicPartition = TopicPartition(topic, partition)
            highs[topicPartition] = try consumer.queryWatermarks(topicPartition).high
          }
        }
      }
      let rows = try StatusReport.build(inspector: inspector, highWatermarks: highs)
      if json {
        try printJSON(["partitions": rows])
        return
      }
      print("topic\tpartition\thigh_watermark\tonline\toffline\tlag")
      for row in rows {
        let cells = [row.highWatermark, row.onlineOffset, row.offlineOffset, row.lag].map {
          $0.map(String.init) ?? "-"
        }
        print("\(row.topic)\t\(row.partition)\t" + cells.joined(separator: "\t"))
      }
    } catch { throw CommandFailure("\(error)") }
  }
}
