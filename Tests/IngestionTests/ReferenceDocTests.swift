import Foundation
import XCTest

@testable import Ingestion

/// docs/reference.md shows every configuration key with its default: its example must be a
/// config the reader accepts, and each default it states must be the one the code applies.
final class ReferenceDocTests: XCTestCase {
  static var reference: String {
    get throws {
      let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
      return try String(
        contentsOf: root.appendingPathComponent("docs/reference.md"), encoding: .utf8)
    }
  }

  /// The first ```yaml block of the page.
  static func example() throws -> String {
    let text = try reference
    let start = try XCTUnwrap(text.range(of: "```yaml\n"))
    let end = try XCTUnwrap(text.range(of: "```", range: start.upperBound..<text.endIndex))
    return String(text[start.upperBound..<end.lowerBound])
  }

  func testTheExampleIsAcceptedAndStatesTheDefaults() throws {
    let config = try ConfigReader(fileName: "reference.md").read(yaml: try Self.example())
    let defaults = try ConfigReader(fileName: "minimal.yaml").read(
      yaml: """
        kafka:
          topics: [features]
        feature_groups:
          - name: user_stats
            primary_key: [user_id]
            features:
              user_id: string
              clicks: bigint
              spend: double
        """)
    XCTAssertEqual(config.online, defaults.online)
    XCTAssertEqual(config.offline, defaults.offline)
    XCTAssertEqual(config.dedup, defaults.dedup)
    XCTAssertEqual(config.validation, defaults.validation)
    XCTAssertEqual(config.log, defaults.log)
    XCTAssertEqual(config.maxRecordBytes, defaults.maxRecordBytes)
    XCTAssertEqual(config.dataDir, defaults.dataDir)
    XCTAssertEqual(config.kafka.groupID, defaults.kafka.groupID)
    XCTAssertEqual(config.kafka.instanceID, defaults.kafka.instanceID)
    XCTAssertEqual(config.kafka.connectTimeoutMillis, defaults.kafka.connectTimeoutMillis)
    XCTAssertEqual(config.featureGroups, defaults.featureGroups)
  }

  /// Every key the reader accepts appears in the example (a key added to the reader but not
  /// to the page makes this fail: the reader names the accepted keys when it refuses one).
  func testEveryAcceptedKeyIsDocumented() throws {
    let example = try Self.example()
    for section in ["", "kafka", "online", "offline", "dedup", "validation", "log"] {
      let probe =
        section.isEmpty
        ? "no_such_key: 1\n" + example
        : example.replacingOccurrences(of: "\(section):\n", with: "\(section):\n  no_such_key: 1\n")
      XCTAssertThrowsError(try ConfigReader(fileName: "probe.yaml").read(yaml: probe)) { error in
        let message = "\(error)"
        guard let list = message.range(of: "use one of ") else {
          return XCTFail("no key list in: \(message)")
        }
        let keys = message[list.upperBound...].prefix { $0 != "\n" }
          .split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
          }
        XCTAssertFalse(keys.isEmpty, message)
        for key in keys where !key.isEmpty {
          XCTAssertTrue(
            example.contains("\(key):"), "\(section).\(key) is not in docs/reference.md")
        }
      }
    }
  }
}
