import PostgresOnlineStore
import XCTest

@testable import Ingestion

/// `online.url`: absent or "" is the embedded store, a postgres:// URL is PostgreSQL (taken
/// apart before anything connects), and anything else is refused with the problem and the
/// fix at its line.
final class OnlineURLConfigTests: XCTestCase {
  func config(online: String) -> String {
    ConfigTests.contractExample.replacingOccurrences(
      of: "data_dir: ./data\n", with: "data_dir: ./data\n" + online)
  }

  func testAbsentOrEmptyIsTheEmbeddedStore() throws {
    XCTAssertNil(try IdemstreamConfig.parse(yaml: ConfigTests.contractExample).online.postgres)
    XCTAssertNil(
      try IdemstreamConfig.parse(yaml: config(online: "online:\n  url: \"\"\n")).online.postgres)
  }

  func testAPostgresURLIsTakenApart() throws {
    let parsed = try IdemstreamConfig.parse(
      yaml: config(
        online:
          "online:\n  url: \"postgresql://feat%40ure:p%3Ass@db.local:6543/features?sslmode=require\"\n"
      ))
    XCTAssertEqual(
      parsed.online.postgres,
      PostgresLocation(
        host: "db.local", port: 6543, user: "feat@ure", password: "p:ss", database: "features",
        tls: .require))
    let minimal = try IdemstreamConfig.parse(
      yaml: config(online: "online:\n  url: postgres://me@[::1]/db\n"))
    XCTAssertEqual(
      minimal.online.postgres,
      PostgresLocation(host: "::1", port: 5432, user: "me", password: nil, database: "db"))
    XCTAssertEqual(minimal.online.postgres?.description, "me@[::1]:5432/db")
  }

  func testAnythingElseIsAConfigErrorNamingTheProblemAndTheFix() {
    let cases: [(String, [String])] = [
      (
        "mysql://u:p@h/db",
        ["is not a postgres:// URL", "postgres://user:password@host:5432/database"]
      ),
      ("postgres://u:secret@h:5432", ["names no database", "/database"]),
      ("postgres://h:5432/db", ["names no user", "user@"]),
      ("postgres://u@h:99999/db", ["port '99999'", "1 to 65535"]),
      ("postgres://u@h/db?timeout=3", ["unknown parameter 'timeout=3'", "sslmode"]),
    ]
    for (url, mentions) in cases {
      XCTAssertThrowsError(
        try IdemstreamConfig.parse(yaml: config(online: "online:\n  url: \"\(url)\"\n"))
      ) {
        error in
        let message = "\(error)"
        XCTAssertEqual((error as? ConfigError)?.line, 9, message)
        for mention in mentions { XCTAssertTrue(message.contains(mention), "\(url): \(message)") }
        XCTAssertFalse(message.contains("secret"), "a password never appears: \(message)")
      }
    }
  }

  /// The docker-compose example with PostgreSQL is a config the reader takes.
  func testTheDockerComposeExampleNamesItsPostgreSQL() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let config = try IdemstreamConfig.load(
      path: root.appendingPathComponent("examples/docker-postgres-config.yaml").path)
    XCTAssertEqual(config.online.postgres?.description, "idemstream@postgres:5432/features")
    XCTAssertEqual(config.kafka.groupID, "idemstream_pg")
  }
}
