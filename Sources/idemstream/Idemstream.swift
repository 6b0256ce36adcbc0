import ArgumentParser

@main
struct Idemstream: AsyncParsableCommand {
  /// What `idemstream --version` prints; raised with each release of the command line.
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "idemstream",
    abstract: "Streaming feature ingestion: Kafka → online store + Delta Lake, exactly once.",
    discussion: """
      Reads feature writes from Kafka, drops duplicates by idempotency key, applies ordered \
      last-write-wins updates to the online store and commits ACID batches to a Delta Lake \
      table per feature group. Start with `idemstream demo`.
      """,
    version: "idemstream \(version)",
    subcommands: [
      Run.self, Demo.self, BrokerCommand.self, ProduceCommand.self, Replay.self, Verify.self,
      Online.self,
      Offline.self, Maintenance.self, DeadLetters.self, Status.self, Bench.self,
    ])
}
