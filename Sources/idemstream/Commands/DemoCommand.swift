import ArgumentParser
import Foundation
import Ingestion
import Kafka
import Logging

/// `idemstream demo`: the embedded default a newcomer runs first.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Ingest a sample stream on the embedded broker into ./demo-data and show what happened.",
    discussion: """
      Starts the embedded broker, produces a sample stream with duplicates, out-of-order \
      writes, deletes, a conflict and malformed records, ingests it into ./demo-data, then \
      checks that the online store and the offline table agree. The data dir must be new, empty, or a previous demo's (which holds the marker file \
      \(DemoDirectory.markerName)): a previous demo's is cleared first, anything else is \
      refused.
      """)

  @Option(help: "Where to write the stores and the config.") var dataDir = "./demo-data"
  @Option(help: "Log level: \(LogLevelArgument.accepted).") var logLevel = "warning"

  func validate() throws { _ = try LogLevelArgument.level(logLevel) }

  func run() throws {
    LoggingSetup.bootstrap()
    var logger = Logger(label: "idemstream.demo")
    logger.logLevel = try LogLevelArgument.level(logLevel)
    // Before the broker starts: a directory the demo may not clear is refused at once.
    let directory = try DemoDirectory.prepare(dataDir)
    let stream = DemoStream()
    let broker = try EmbeddedBroker(topics: ["features": 4])
    print(
      "embedded broker (librdkafka mock cluster) at \(broker.bootstrapServers), topic 'features', 4 partitions"
    )

    // Scoped, so that the producer's connection is gone before the broker stops at the end
    // (else librdkafka logs the broker going away as an error).
    do {
      let producer = try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: broker.bootstrapServers))
      for record in stream.records {
        try producer.send(topic: "features", key: record.key, value: record.value)
      }
      try producer.flush()
      try producer.close()
    }
    print(
      "produced \(stream.records.count) records: \(stream.writes) writes (\(stream.deletes) deletes, "
        + "\(stream.outOfOrder) out of order), \(stream.resent) re-sent, \(stream.conflicts) conflicting, "
        + "\(stream.malformed) malformed")

    let configText = DemoStream.config
      .replacingOccurrences(of: "data_dir: ./demo-data", with: "data_dir: \(directory.path)")
      .replacingOccurrences(
        of: "  topics: [features]",
        with: "  bootstrap_servers: \"\(broker.bootstrapServers)\"\n  topics: [features]")
    let configPath = directory.appendingPathComponent("idemstream.yaml").path
    try configText.write(toFile: configPath, atomically: true, encoding: .utf8)
    let config = try IdemstreamConfig.load(path: configPath)

    var options = IngestionService.Options()
    options.stopAtEnd = true
    let started = Date()
    let totals = try IngestionService(config: config, options: options, logger: logger).run()
    let seconds = Date().timeIntervalSince(started)
    print(
      "ingested into \(directory.path) in \(String(format: "%.1f", seconds)) s (\(totals.commits) commits):"
    )
    for group in config.featureGroups {
      let counts = totals.groups[group.name] ?? GroupCounts()
      print(
        "  \(group.name): \(counts.new) written offline, \(counts.duplicate) duplicates dropped, "
          + "\(counts.stale) stale (kept offline only)")
    }
    print("  dead letters: \(totals.deadLettered)")
    for (reason, count) in totals.deadLetters.sorted(by: { $0.key < $1.key }) {
      print("    \(count) × \(reason)")
    }

    let inspector = try StoreInspector(config: config)
    let verifier = Verifier(inspector: inspector)
    var agree = true
    for group in config.featureGroups {
      let report = try verifier.verify(group: group.name, repair: false)
      agree = agree && report.agrees
      print(
        "verify \(group.name): \(report.agrees ? "stores agree" : "STORES DISAGREE") "
          + "(\(report.entities) entities online, \(report.missing) missing, \(report.extra) extra, "
          + "\(report.differing) differing)")
    }
    let deleted = try inspector.onlineGet(group: "user_stats", key: "u50")
    print(
      "deleted in the last round, u50 is online: \(deleted ?? "absent (a tombstone remembers it)")")
    let recreated = try inspector.onlineGet(group: "user_stats", key: "u25")
    print("deleted in round 4 and written again later, u25 is online: \(recreated ?? "absent")")
    // A training set from what was ingested: labels at three moments of the day, each row
    // with the features its user had then, and no later value.
    let entities = directory.appendingPathComponent("training-entities.csv").path
    var labels = "user_id,event_time,label\n"
    for (index, user) in ["u7", "u25", "u50", "u100"].enumerated() {
      for minute in [2, 6, 12] {
        labels +=
          "\(user),2026-01-01T00:\(String(format: "%02d", minute)):00Z,\((index + minute) % 2)\n"
      }
    }
    try labels.write(toFile: entities, atomically: true, encoding: .utf8)
    let trainingSet = directory.appendingPathComponent("training-set.parquet").path
    let joined = try PointInTimeJoin(inspector: inspector).run(
      entities: entities,
      requests: [try PointInTimeJoin.Request(argument: "user_stats:clicks,spend,country")],
      asOf: try PointInTimeJoin.AsOf(argument: nil), output: trainingSet)
    print(
      "training set: \(joined.rows) labelled rows joined point in time with user_stats "
        + "(version \(joined.versions[0].version)) into \(trainingSet); the first rows:")
    for line in try PointInTimeJoin.preview(trainingSet, count: 6) { print("  \(line)") }
    let binary = ChildProcess.selfExecutable
    print(
      """
      explore (offline tools work without the broker):
        \(binary) online get --config \(configPath) --group user_stats u7
        \(binary) offline history --config \(configPath) --group user_stats u7
        \(binary) offline join --config \(configPath) --entities \(entities) --features user_stats:* --out training.parquet
        \(binary) dead-letters --config \(configPath)
        python -c "import deltalake; print(deltalake.DeltaTable('\(directory.path)/offline/user_stats_v1').to_pandas())"
      """)
    if !agree { throw ExitCode(1) }
  }
}
