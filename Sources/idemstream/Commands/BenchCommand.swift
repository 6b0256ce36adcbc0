import ArgumentParser
import Foundation
import Ingestion
import Kafka

/// `idemstream bench`: the end-to-end benchmark of BENCHMARKS.md.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Produce the shared workload to the embedded broker and drain it through `run`.",
    discussion: """
      The broker and the service run as child processes of their own, so the peak memory \
      reported is the service's alone. Drain mode reports records/s (after the first record \
      and in total), peak RSS, time per stage and the restart time with the stores full. \
      --rate R produces R writes/s for --duration seconds while the service runs and reports \
      freshness p50/p99 (record timestamp to visible online). --peer runs the Python peer \
      pipeline on the same backlog in the same run, for the ratio.
      """)

  @Option(help: "Writes to produce (duplicates come on top).") var records = 1_000_000
  @Option(help: "Topic partitions (the mock broker keeps ~5 MB each).") var partitions = 64
  @Option(help: "Distinct entities the writes go to.") var keys = 100_000
  @Flag(help: "After the drain, time `verify` over the stores.") var verify = false
  @Option(help: "Sustained-load mode: writes per second.") var rate: Int?
  @Option(help: "Sustained-load duration in seconds.") var duration = 20
  @Option(
    help: "Path of the Python peer pipeline (peer_pipeline.py), to run it on the same backlog.")
  var peer: String?
  @Option(help: "Python for the peer.") var python = "python3"
  @Option(help: "Commit interval for the service (ms); at most 10 with --rate.")
  var commitIntervalMs = 5000
  @Option(
    help:
      "Delta checkpoint every N versions (default: 10; 100 with --rate, which commits ~60 times a second)."
  )
  var checkpointInterval: Int?
  @Option(
    name: .customLong("kafka-setting"),
    help: "A librdkafka property for the service's consumer, as key=value (repeatable).")
  var kafkaSettings: [String] = []
  @Flag(help: "Print one JSON document.") var json = false

  func validate() throws {
    for setting in kafkaSettings where !setting.contains("=") {
      throw ValidationError("--kafka-setting takes key=value, got '\(setting)'")
    }
  }

  /// The `kafka.settings` mapping of the service's config (YAML flow style, quoted).
  private var settingsYAML: String {
    let pairs = kafkaSettings.map { setting -> String in
      let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
      return "\"\(parts[0])\": \"\(parts.count > 1 ? parts[1] : "")\""
    }
    return "{" + pairs.joined(separator: ", ") + "}"
  }

  func run() throws {
    let executable = ChildProcess.selfExecutable
    let broker = try ChildProcess(
      executable, ["broker", "--partitions", "\(partitions)", "--topic", "bench"])
    defer {
      broker.signal(SIGTERM)
      _ = broker.wait()
    }
    guard let bootstrap = broker.firstLine() else {
      throw CommandFailure("the embedded broker did not start")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer {
      try? FileManager.default.removeItem(at: directory)
      // On ext4 without a journal the kernel skips inodes freed in the last 60 s (360 s
      // while their inode table block is unwritten) when it allocates one, scanning past
      // each: the next run's file creations would pay for this run's deletions. Writing
      // the blocks out now leaves 60 s (see BENCHMARKS.md).
      sync()
    }
    let configPath = directory.appendingPathComponent("bench.yaml").path
    let interval = rate == nil ? commitIntervalMs : min(commitIntervalMs, 10)
    let checkpoints = checkpointInterval ?? (rate == nil ? 10 : 100)
    try """
    kafka:
      bootstrap_servers: "\(bootstrap)"
      topics: [bench]
      group_id: idemstream-bench
      settings: \(settingsYAML)
    data_dir: \(directory.appendingPathComponent("data").path)
    offline:
      commit_interval_ms: \(interval)
      max_rows_per_commit: 500000
      checkpoint_interval: \(checkpoints)
    dedup:
      window: 7d
    \(BenchWorkload.config)
    """.write(toFile: configPath, atomically: true, encoding: .utf8)
    var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
    if rate == nil {
      // The backlog is batched as shared/bench/gen.py batches it (linger 20 ms, at most
      // 10,000 records a batch). The mock broker keeps each produce batch as one message
      // set, walks a partition's list of them from the start on every fetch and returns
      // one set per partition per fetch: with the producer's 5 ms default the broker spent
      // 3.4-3.5 s of CPU on a 1M bench, with gen.py's batching 0.7-0.8 s (BENCHMARKS.md).
      producerConfiguration.linger = .milliseconds(20)
      producerConfiguration.settings["batch.num.messages"] = "10000"
    }
    let producer = try KafkaProducer(configuration: producerConfiguration)
    defer { try? producer.close() }
    var report = BenchReport(records: records, partitions: partitions)
    if let rate {
      try sustained(
        rate: rate, executable: executable, config: configPath, producer: producer, report: &report)
    } else {
      try drain(
        executable: executable, config: configPath, producer: producer, bootstrap: bootstrap,
        directory: directory, report: &report)
    }
    if json {
      try printJSON(report)
    } else {
      print(report.text)
    }
  }

  private func drain(
    executable: String, config: String, producer: KafkaProducer, bootstrap: String,
    directory: URL, report: inout BenchReport
  ) throws {
    let produceStart = Date()
    var workload = BenchWorkload(records: records)
    workload.keys = keys
    let sent = try workload.produce(to: producer, topic: "bench", writes: records)
    report.produced = sent.records
    report.produceSeconds = Date().timeIntervalSince(produceStart)
    let run = try ChildProcess(executable, ["run", "--config", config, "--stop-at-end", "--json"])
      .wait()
    guard run.status == 0 else { throw CommandFailure("run failed (exit \(run.status))") }
    let totals = try JSONDecoder().decode(IngestionCounts.self, from: Data(run.output.utf8))
    report.consumed = totals.consumed
    report.totalSeconds = run.seconds
    if let first = totals.firstRecordAtMillis, let last = totals.lastCommitAtMillis {
      report.secondsAfterFirstRecord = Double(last - first) / 1000
    }
    report.peakRSSBytes = run.peakRSS
    report.stageSeconds = totals.stageNanoseconds.mapValues { Double($0) / 1e9 }
    report.groups = totals.groups
    if verify {
      let check = try ChildProcess(executable, ["verify", "--config", config, "--json"]).wait()
      report.verifySeconds = check.seconds
      report.verifyAgreed = check.status == 0
    }
    let restart = try ChildProcess(
      executable, ["run", "--config", config, "--stop-at-end", "--json"]
    ).wait()
    if restart.status == 0,
      let again = try? JSONDecoder().decode(IngestionCounts.self, from: Data(restart.output.utf8))
    {
      report.restartMillis = again.startupMillis
    }
    if let peer {
      let peerRun = try ChildProcess(
        python,
        [
          peer, bootstrap, "bench", directory.appendingPathComponent("peer").path,
          "\(sent.records)",
        ]
      ).wait()
      if peerRun.status == 0,
        let object = try? JSONSerialization.jsonObject(with: Data(peerRun.output.utf8))
          as? [String: Any]
      {
        report.peerRecordsPerSecond =
          (object["records_per_s_after_first"] as? NSNumber)?.doubleValue
        report.peerSecondsAfterFirst = (object["seconds_after_first"] as? NSNumber)?.doubleValue
        report.peerPeakRSSBytes = peerRun.peakRSS
      } else {
        report.peerError = "peer exited \(peerRun.status): \(peerRun.output.suffix(300))"
      }
    }
  }

  private func sustained(
    rate: Int, executable: String, config: String, producer: KafkaProducer,
    report: inout BenchReport
  ) throws {
    let run = try ChildProcess(
      executable, ["run", "--config", config, "--json", "--measure-freshness"])
    // Let the service join the group and reach the end of the (empty) topic first.
    Thread.sleep(forTimeInterval: 6)
    let writes = rate * duration
    let start = Date()
    let sent = try BenchWorkload(records: writes).produce(
      to: producer, topic: "bench", writes: writes
    ) {
      index in
      if index % 100 == 0 {
        let due = start.addingTimeInterval(Double(index) / Double(rate))
        let wait = due.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
      }
    }
    report.produced = sent.records
    report.rate = rate
    Thread.sleep(forTimeInterval: 2)
    run.signal(SIGTERM)
    let exit = run.wait()
    guard exit.status == 0 else { throw CommandFailure("run failed (exit \(exit.status))") }
    let totals = try JSONDecoder().decode(IngestionCounts.self, from: Data(exit.output.utf8))
    report.consumed = totals.consumed
    report.freshness = totals.freshness
    report.delivery = totals.delivery
    report.commits = totals.commits
    report.stageSeconds = totals.stageNanoseconds.mapValues { Double($0) / 1e9 }
    report.peakRSSBytes = exit.peakRSS
  }
}
