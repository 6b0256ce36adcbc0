import ArgumentParser

@main
struct Idemstream: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "idemstream",
    abstract: "Streaming feature ingestion: Kafka → online store + Delta Lake, exactly once.",
    discussion: """
      Reads feature writes from Kafka, drops duplicates by idempotency key, applies ordered \
      last-write-wins updates to the online store and commits ACID batches to a Delta Lake \
      table per feature group. Start with `idemstream demo`.
      """,
    subcommands: [
      Run.self, Demo.self, BrokerCommand.self, ProduceCommand.self, Replay.self, Verify.self,
      Online.self,
      Offline.self, Maintenance.self, DeadLetters.self, Status.self, Bench.self,
    ])
}
