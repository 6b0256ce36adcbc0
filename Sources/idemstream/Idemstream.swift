import ArgumentParser

@main
struct Idemstream: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "idemstream",
    abstract: "Streaming feature ingestion: Kafka → online store + Delta Lake, exactly once.",
    subcommands: [BrokerCommand.self, ProduceCommand.self])
}
