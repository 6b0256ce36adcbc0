import Delta
import DeltaS3
import Foundation
import Parquet
import TestSupport
import XCTest

/// Delta tables on a real S3 server (moto_server): the same table code as on a local disk,
/// through `S3TableStorage`.
final class S3DeltaTableTests: XCTestCase {
  var moto: MotoServer!
  var location: S3Location!

  static let schema = DeltaSchema([
    DeltaField("id", .long, nullable: false), DeltaField("name", .string),
  ])

  static func columns(_ ids: [Int64]) -> [ParquetColumnValues] {
    [.int64(ids, validity: nil), .strings(ids.map { $0 % 3 == 0 ? nil : "name-\($0)" })]
  }

  override func setUpWithError() throws {
    moto = try MotoServer()
    location = S3Location(
      bucket: moto.bucket, prefix: "tables", endpoint: moto.endpoint, region: MotoServer.region,
      allowHTTP: true)
  }

  override func tearDown() { moto?.stop() }

  func storage(_ name: String) throws -> S3TableStorage {
    try location.table(name, environment: moto.environment)
  }

  func ids(_ batches: [DeltaBatch]) -> [Int64] {
    batches.flatMap { batch -> [Int64] in
      guard case .int64(let values, _) = batch.columns[0] else { return [] }
      return values
    }.sorted()
  }

  func testCreateCommitCheckpointAndTimeTravel() throws {
    let storage = try storage("t1")
    XCTAssertFalse(try DeltaTable.exists(in: storage))
    let table = try DeltaTable.create(
      in: storage, schema: Self.schema, name: "t1",
      options: DeltaTable.Options(checkpointInterval: 2))
    XCTAssertEqual(table.url.absoluteString, "s3://\(moto.bucket)/tables/t1")
    for batch in 0..<5 {
      let start = Int64(batch * 10)
      try table.append(
        Self.columns(Array(start..<start + 10)),
        appTransactions: [(appId: "writer", version: Int64(batch))])
    }
    XCTAssertEqual(try table.latestVersion(), 5)
    let keys = try storage.list(prefix: "_delta_log/").map(\.key)
    XCTAssertTrue(keys.contains("_delta_log/00000000000000000004.checkpoint.parquet"), "\(keys)")
    XCTAssertTrue(keys.contains("_delta_log/_last_checkpoint"), "\(keys)")

    // A fresh handle replays from the checkpoint (4) and the commit after it.
    let reopened = try DeltaTable.open(in: try self.storage("t1"))
    let snapshot = try reopened.snapshot()
    XCTAssertEqual(snapshot.version, 5)
    XCTAssertEqual(snapshot.files.count, 5)
    XCTAssertEqual(snapshot.transactionVersion(appId: "writer"), 4)
    XCTAssertEqual(ids(try reopened.read()), Array(0..<50))
    // Time travel: version 2 holds the first two appends.
    XCTAssertEqual(
      ids(try reopened.read(snapshot: try reopened.snapshot(version: 2))), Array(0..<20))
    XCTAssertEqual(try reopened.snapshot(asOf: Date().addingTimeInterval(60)).version, 5)
    // Only the columns asked for are read.
    let names = try reopened.read(columns: ["name"])
    XCTAssertEqual(names.map(\.rowCount).reduce(0, +), 50)
  }

  func testTwoWritersRacingForOneVersionOneWins() throws {
    let table = try DeltaTable.create(in: try storage("race"), schema: Self.schema)
    // Two handles on the same table, both at version 0, both committing the same app
    // transaction: only one may take version 1; the other must see a conflict.
    let first = try DeltaTable.open(in: try storage("race"))
    let second = try DeltaTable.open(in: try storage("race"))
    let fileA = try first.writeDataFile(Self.columns([1, 2]))
    let fileB = try second.writeDataFile(Self.columns([3, 4]))
    let outcomes = OutcomeBox()
    let group = DispatchGroup()
    for (handle, file) in [(first, fileA), (second, fileB)] {
      DispatchQueue.global().async(group: group) {
        do {
          let version = try handle.commit(
            actions: [.add(file)], appTransactions: [(appId: "partition-0", version: 7)])
          outcomes.add("won \(version)")
        } catch DeltaError.concurrentTransaction(let appId, let version) {
          outcomes.add("conflict \(appId) at \(version)")
        } catch {
          outcomes.add("error \(error)")
        }
      }
    }
    group.wait()
    XCTAssertEqual(outcomes.all.sorted(), ["conflict partition-0 at 1", "won 1"])
    XCTAssertEqual(try table.latestVersion(), 1)
    XCTAssertEqual(try table.snapshot().files.count, 1)

    // The storage's own put-if-absent, raced from many threads: exactly one wins.
    let storage = try storage("race")
    let winners = OutcomeBox()
    DispatchQueue.concurrentPerform(iterations: 8) { index in
      if (try? storage.putIfAbsent(
        "_delta_log/00000000000000000002.json", Data("{\"commitInfo\":{\"n\":\(index)}}\n".utf8)))
        == true
      {
        winners.add("\(index)")
      }
    }
    XCTAssertEqual(winners.all.count, 1)
  }

  func testDeltaLakeReadsTheTableFromS3() throws {
    let table = try DeltaTable.create(
      in: try storage("interop"), schema: Self.schema,
      options: DeltaTable.Options(checkpointInterval: 3))
    for batch in 0..<4 {
      let start = Int64(batch * 5)
      try table.append(Self.columns(Array(start..<start + 5)))
    }
    let output = try Python.run(
      """
      import json, sys
      from deltalake import DeltaTable
      options = {"AWS_ENDPOINT_URL": sys.argv[2], "AWS_ALLOW_HTTP": "true",
                 "AWS_ACCESS_KEY_ID": sys.argv[3], "AWS_SECRET_ACCESS_KEY": sys.argv[4],
                 "AWS_REGION": sys.argv[5], "conditional_put": "etag"}
      dt = DeltaTable(sys.argv[1], storage_options=options)
      rows = dt.to_pyarrow_table().to_pylist()
      old = DeltaTable(sys.argv[1], storage_options=options, version=2).to_pyarrow_table()
      print(json.dumps({"version": dt.version(), "old": old.num_rows,
                        "rows": sorted(rows, key=lambda r: r["id"])}))
      """,
      [
        "s3://\(moto.bucket)/tables/interop", moto.endpoint, MotoServer.accessKey,
        MotoServer.secretKey, MotoServer.region,
      ])
    let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
    XCTAssertEqual(decoded["version"] as? Int, 4)
    XCTAssertEqual(decoded["old"] as? Int, 10)
    let rows = decoded["rows"] as! [[String: Any]]
    XCTAssertEqual(rows.map { $0["id"] as? Int }, (0..<20).map { $0 })
    XCTAssertEqual(
      rows.map { $0["name"] as? String }, (0..<20).map { $0 % 3 == 0 ? nil : "name-\($0)" })
  }

  func testAMissingBucketIsAPermanentError() throws {
    let missing = S3Location(
      bucket: "no-such-bucket", prefix: "x", endpoint: moto.endpoint, region: MotoServer.region,
      allowHTTP: true)
    let storage = try missing.table("t", environment: moto.environment)
    XCTAssertThrowsError(try DeltaTable.create(in: storage, schema: Self.schema)) { error in
      XCTAssertTrue("\(error)".contains("NoSuchBucket"), "\(error)")
      XCTAssertTrue("\(error)".contains("permanent"), "\(error)")
    }
  }
}

final class OutcomeBox: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ item: String) { lock.withLock { items.append(item) } }
  var all: [String] { lock.withLock { items } }
}
