import Foundation
import NIOCore
import TestSupport
import XCTest

@testable import S3

/// The client against a real S3 server (moto_server).
final class S3ClientTests: XCTestCase {
  var moto: MotoServer!
  var client: S3Client!

  override func setUpWithError() throws {
    moto = try MotoServer()
    client = try S3Client(
      configuration: S3Configuration(
        endpoint: moto.endpoint, region: MotoServer.region, allowHTTP: true,
        credentials: S3Credentials(
          accessKeyID: MotoServer.accessKey, secretAccessKey: MotoServer.secretKey),
        multipartThreshold: 6 << 20, partSize: 5 << 20))
  }

  override func tearDown() async throws {
    try await client?.shutdown()
    moto?.stop()
  }

  func testPutGetRangeHeadDelete() async throws {
    let bucket = moto.bucket
    let body = Array("0123456789abcdef".utf8)
    try await client.putObject(bucket: bucket, key: "a/b c$.txt", body: body)
    let whole = try await client.getObject(bucket: bucket, key: "a/b c$.txt")
    XCTAssertEqual(whole?.bytes, body)
    let range = try await client.getObject(
      bucket: bucket, key: "a/b c$.txt", range: .bytes(offset: 3, length: 4))
    XCTAssertEqual(range?.bytes, Array("3456".utf8))
    XCTAssertEqual(range?.size, 16)
    let suffix = try await client.getObject(bucket: bucket, key: "a/b c$.txt", range: .suffix(5))
    XCTAssertEqual(suffix?.bytes, Array("bcdef".utf8))
    XCTAssertEqual(suffix?.size, 16)
    let longSuffix = try await client.getObject(
      bucket: bucket, key: "a/b c$.txt", range: .suffix(1000))
    XCTAssertEqual(longSuffix?.bytes, body)
    let head = try await client.headObject(bucket: bucket, key: "a/b c$.txt")
    XCTAssertEqual(head?.size, 16)
    XCTAssertLessThan(abs(head!.lastModified.timeIntervalSinceNow), 120)
    try await client.deleteObject(bucket: bucket, key: "a/b c$.txt")
    let gone = try await client.getObject(bucket: bucket, key: "a/b c$.txt")
    XCTAssertNil(gone)
    let noHead = try await client.headObject(bucket: bucket, key: "a/b c$.txt")
    XCTAssertNil(noHead)
  }

  func testConditionalPutRefusesAnExistingKey() async throws {
    let first = try await client.putObject(
      bucket: moto.bucket, key: "log/0.json", body: [1], ifNoneMatch: true)
    let second = try await client.putObject(
      bucket: moto.bucket, key: "log/0.json", body: [2], ifNoneMatch: true)
    XCTAssertTrue(first)
    XCTAssertFalse(second)
    let stored = try await client.getObject(bucket: moto.bucket, key: "log/0.json")
    XCTAssertEqual(stored?.bytes, [1])
  }

  func testListingPagesThroughEveryKey() async throws {
    for index in 0..<7 {
      try await client.putObject(bucket: moto.bucket, key: "p/k\(index)", body: [UInt8(index)])
    }
    try await client.putObject(bucket: moto.bucket, key: "q/other", body: [9])
    let page = try await client.listObjectsPage(bucket: moto.bucket, prefix: "p/", maxKeys: 3)
    XCTAssertEqual(page.objects.map(\.key), ["p/k0", "p/k1", "p/k2"])
    XCTAssertNotNil(page.next)
    var all: [String] = []
    var token: String?
    repeat {
      let next = try await client.listObjectsPage(
        bucket: moto.bucket, prefix: "p/", continuationToken: token, maxKeys: 3)
      all += next.objects.map(\.key)
      token = next.next
    } while token != nil
    XCTAssertEqual(all, (0..<7).map { "p/k\($0)" })
    let listed = try await client.listObjects(bucket: moto.bucket, prefix: "p/")
    XCTAssertEqual(listed.map(\.size), Array(repeating: 1, count: 7))
  }

  func testLargeFilesGoInParts() async throws {
    var bytes = [UInt8](repeating: 0, count: 13 << 20)
    var generator = SplitMix64(seed: 7)
    for index in stride(from: 0, to: bytes.count, by: 8) {
      bytes[index] = UInt8(truncatingIfNeeded: generator.next())
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-multipart-\(UUID().uuidString)"
    ).path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { unlink(path) }
    try await client.putFile(bucket: moto.bucket, key: "big/file", path: path)
    let stored = try await client.getObject(bucket: moto.bucket, key: "big/file")
    XCTAssertEqual(stored?.size, Int64(bytes.count))
    XCTAssertTrue(stored?.bytes == bytes)
    // A multipart ETag names its part count: 13 MiB in 5 MiB parts is three.
    XCTAssertTrue(stored?.etag?.contains("-3") ?? false, "\(stored?.etag ?? "none")")
  }

  func testAMissingBucketIsPermanentAndNamed() async throws {
    do {
      try await client.putObject(bucket: "no-such-bucket-here", key: "k", body: [1])
      XCTFail("no error")
    } catch let error as S3Error {
      XCTAssertEqual(error.kind, .permanent)
      XCTAssertEqual(error.code, "NoSuchBucket")
      XCTAssertTrue("\(error)".contains("s3://no-such-bucket-here/k"), "\(error)")
    }
  }

  func testNoServerIsTransient() async throws {
    let port = try MotoServer.freePort()
    let offline = try S3Client(
      configuration: S3Configuration(
        endpoint: "http://127.0.0.1:\(port)", allowHTTP: true,
        credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b")))
    do {
      _ = try await offline.getObject(bucket: "b", key: "k")
      XCTFail("no error")
    } catch let error as S3Error {
      XCTAssertEqual(error.kind, .transient, "\(error)")
    }
    try await offline.shutdown()
  }

  func testPlainHTTPNeedsToBeAllowed() {
    XCTAssertThrowsError(
      try S3Client(
        configuration: S3Configuration(
          endpoint: "http://127.0.0.1:1",
          credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b")))
    ) { error in
      XCTAssertEqual((error as? S3Error)?.code, "InsecureEndpoint")
    }
  }
}
