import XCTest

@testable import Ingestion

/// `offline.url` and `offline.s3`: parsed, checked, documented.
final class OfflineLocationConfigTests: XCTestCase {
  static let groups = """
    feature_groups:
      - name: user_stats
        primary_key: [user_id]
        features:
          user_id: string
    """

  func read(_ offline: String) throws -> IdemstreamConfig {
    try ConfigReader(fileName: "c.yaml").read(
      yaml: "kafka:\n  topics: [features]\noffline:\n\(offline)\n" + Self.groups)
  }

  func testS3URLAndSettings() throws {
    let config = try read(
      """
        url: s3://bucket/some/prefix
        s3: {endpoint: "http://127.0.0.1:9000", region: eu-north-1, allow_http: true}
      """)
    XCTAssertEqual(config.offline.url, "s3://bucket/some/prefix")
    XCTAssertEqual(
      config.offline.s3,
      OfflineS3Settings(endpoint: "http://127.0.0.1:9000", region: "eu-north-1", allowHTTP: true))
    guard case .s3(let location) = OfflineStorage(config) else { return XCTFail("not s3") }
    XCTAssertEqual(location.bucket, "bucket")
    XCTAssertEqual(location.prefix, "some/prefix")
  }

  func testDefaultsAreTheLocalDisk() throws {
    let config = try read("  checkpoint_interval: 10")
    XCTAssertEqual(config.offline.url, "")
    XCTAssertEqual(config.offline.s3, OfflineS3Settings())
    XCTAssertTrue(OfflineStorage(config).isLocal)
    XCTAssertTrue(OfflineStorage(config).description.hasSuffix("/offline"))
  }

  func testBadValuesAreRefusedWithTheFix() throws {
    XCTAssertThrowsError(try read("  url: http://bucket/x")) { error in
      XCTAssertTrue("\(error)".contains("offline.url"), "\(error)")
    }
    XCTAssertThrowsError(try read("  s3: {endpoint: minio:9000}")) { error in
      XCTAssertTrue("\(error)".contains("offline.s3.endpoint"), "\(error)")
    }
    XCTAssertThrowsError(try read("  s3: {allow_http: perhaps}")) { error in
      XCTAssertTrue("\(error)".contains("true or false"), "\(error)")
    }
  }

  /// Every key `offline.s3` accepts is in docs/reference.md's example.
  func testEveryS3KeyIsDocumented() throws {
    let example = try ReferenceDocTests.example()
    let line = try XCTUnwrap(example.range(of: "\n  s3: "))
    var probe = example
    probe.replaceSubrange(line, with: "\n  s3:\n    no_such_key: 1\n  # ")
    XCTAssertThrowsError(try ConfigReader(fileName: "probe.yaml").read(yaml: probe)) { error in
      let message = "\(error)"
      guard let list = message.range(of: "use one of ") else {
        return XCTFail("no key list in: \(message)")
      }
      let keys = message[list.upperBound...].prefix { $0 != "\n" }.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
      }
      XCTAssertEqual(Set(keys), ["endpoint", "region", "allow_http"], message)
      for key in keys { XCTAssertTrue(example.contains("    \(key):"), "offline.s3.\(key)") }
    }
  }

  /// The docker-compose example for MinIO is a config the reader takes, with its tables on S3.
  func testTheMinIOExampleConfigReads() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(
      contentsOf: root.appendingPathComponent("examples/docker-s3-config.yaml"), encoding: .utf8)
    let config = try ConfigReader(fileName: "docker-s3-config.yaml").read(yaml: text)
    XCTAssertEqual(config.offline.url, "s3://idemstream/offline")
    XCTAssertEqual(config.offline.s3.endpoint, "http://minio:9000")
    XCTAssertTrue(config.offline.s3.allowHTTP)
  }
}
