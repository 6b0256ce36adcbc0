import Delta
import Foundation
import Parquet
import S3

/// A Delta table under `s3://bucket/prefix/`: the same layout as on a local disk, each file
/// an object.
///
/// A commit is a conditional PUT (`If-None-Match: *`) of the next log file: S3 lets exactly
/// one writer create a key, so two writers never take one version and the loser reads the
/// winner's commit, as on a local disk. `_last_checkpoint` and checkpoints are plain PUTs
/// (a PUT replaces an object whole); data files are written to a local temporary file and
/// uploaded (in parts above 64 MiB). Reads of data files and checkpoints are ranged GETs:
/// the last 64 KiB first (footer and size in one request), then only the column chunks
/// asked for.
public struct S3TableStorage: TableStorage {
  public let client: S3Client
  public let bucket: String
  /// The table's key prefix, ending in `/` (or empty: the bucket's root).
  public let prefix: String
  public let url: URL

  public init(client: S3Client, bucket: String, prefix: String) {
    self.client = client
    self.bucket = bucket
    var prefix = prefix
    while prefix.hasPrefix("/") { prefix.removeFirst() }
    if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
    self.prefix = prefix
    var root = "s3://\(bucket)/\(prefix)"
    if root.hasSuffix("/") { root.removeLast() }
    url = URL(string: root) ?? URL(string: "s3://\(bucket)")!
  }

  /// The storage of a table beneath this one's prefix (`name/`).
  public func child(_ name: String) -> S3TableStorage {
    S3TableStorage(client: client, bucket: bucket, prefix: prefix + name)
  }

  func objectKey(_ key: String) -> String { prefix + key }

  /// True for an S3 failure no retry can help (refused credentials, a missing bucket).
  public static func isPermanentFailure(_ error: any Error) -> Bool {
    if let error = error as? S3Error { return !error.isTransient }
    return false
  }

  public func read(_ key: String) throws -> Data? {
    let (client, bucket, object) = (client, bucket, objectKey(key))
    return try Blocking.wait {
      try await client.getObject(bucket: bucket, key: object).map { Data($0.bytes) }
    }
  }

  public func byteSource(_ key: String) throws -> any ParquetByteSource {
    try S3ObjectSource(client: client, bucket: bucket, key: objectKey(key))
  }

  public func write(_ key: String, _ data: Data) throws {
    let (client, bucket, object) = (client, bucket, objectKey(key))
    let bytes = [UInt8](data)
    _ = try Blocking.wait {
      try await client.putObject(bucket: bucket, key: object, body: bytes)
    }
  }

  /// A conditional PUT. An answer lost on the way (a timeout, a reset after the request was
  /// sent) leaves it open whether this PUT created the object; then the object is read back:
  /// the very bytes sent (a commit carries its own timestamp and data file names) are this
  /// writer's commit, anything else another's. So a lost answer is never taken for a lost
  /// race, nor a lost race for a win.
  public func putIfAbsent(_ key: String, _ data: Data) throws -> Bool {
    let (client, bucket, object) = (client, bucket, objectKey(key))
    let bytes = [UInt8](data)
    var attempt = 0
    while true {
      do {
        return try Blocking.wait {
          try await client.putObject(bucket: bucket, key: object, body: bytes, ifNoneMatch: true)
        }
      } catch let error as S3Error where error.isTransient {
        attempt += 1
        let existing: S3Client.ObjectData?
        do {
          existing = try Blocking.wait { try await client.getObject(bucket: bucket, key: object) }
        } catch {
          throw error  // the server is still unreachable: the caller retries the whole step
        }
        if let existing { return existing.bytes == bytes }
        if attempt >= 3 { throw error }
        // The object is absent: this PUT did not land; try it again.
        Thread.sleep(forTimeInterval: 0.1 * Double(attempt))
      }
    }
  }

  public func writeFile(
    _ key: String, replacing: Bool, _ produce: (_ path: String, _ sync: Bool) throws -> Int64
  ) throws -> Int64 {
    let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
      "idemstream-s3-\(UUID().uuidString)"
    ).path
    defer { unlink(temporary) }
    // The local copy is only a staging file: no fsync, the object is durable once stored.
    let size = try produce(temporary, false)
    let (client, bucket, object) = (client, bucket, objectKey(key))
    try Blocking.wait { try await client.putFile(bucket: bucket, key: object, path: temporary) }
    return size
  }

  public func list(prefix keyPrefix: String) throws -> [StoredObject] {
    let (client, bucket, root) = (client, bucket, prefix)
    let objects = try Blocking.wait {
      try await client.listObjects(bucket: bucket, prefix: root + keyPrefix)
    }
    return objects.map {
      StoredObject(
        key: String($0.key.dropFirst(root.count)), size: $0.size, modified: $0.lastModified)
    }
  }

  public func modificationTime(_ key: String) throws -> Date? {
    let (client, bucket, object) = (client, bucket, objectKey(key))
    return try Blocking.wait { try await client.headObject(bucket: bucket, key: object) }?
      .lastModified
  }

  public func delete(_ key: String) throws {
    let (client, bucket, object) = (client, bucket, objectKey(key))
    try Blocking.wait { try await client.deleteObject(bucket: bucket, key: object) }
  }

  /// Nothing to make: a prefix exists once an object is under it. The bucket is checked
  /// (a listing), so that a missing bucket fails here, before any data is written.
  public func prepareTable() throws {
    let (client, bucket, root) = (client, bucket, prefix)
    _ = try Blocking.wait {
      try await client.listObjectsPage(bucket: bucket, prefix: root, maxKeys: 1)
    }
  }
}

/// An object read with ranged GETs: opening fetches the last 64 KiB, which holds a Parquet
/// footer (and tells the size); reads inside it are served from memory, others fetched.
final class S3ObjectSource: ParquetByteSource, @unchecked Sendable {
  // @unchecked: every stored property is immutable after init.
  let client: S3Client
  let bucket: String
  let key: String
  let size: Int64
  private let tail: [UInt8]
  private let tailStart: Int64
  var name: String { "s3://\(bucket)/\(key)" }

  static let tailBytes = 64 << 10

  init(client: S3Client, bucket: String, key: String) throws {
    self.client = client
    self.bucket = bucket
    self.key = key
    let found = try Blocking.wait {
      try await client.getObject(bucket: bucket, key: key, range: .suffix(Self.tailBytes))
    }
    guard let found else {
      throw ParquetError.io("cannot open s3://\(bucket)/\(key): no such object")
    }
    size = found.size
    tail = found.bytes
    tailStart = found.size - Int64(found.bytes.count)
  }

  func read(offset: Int64, length: Int) throws -> [UInt8] {
    guard offset >= 0, length >= 0, offset <= size, Int64(length) <= size - offset else {
      throw ParquetError.corrupt(
        "\(name): range \(offset)+\(length) lies outside the object of \(size) bytes")
    }
    if length == 0 { return [] }
    if offset >= tailStart {
      let start = Int(offset - tailStart)
      return Array(tail[start..<start + length])
    }
    let (client, bucket, key) = (client, bucket, key)
    guard
      let got = try Blocking.wait({
        try await client.getObject(
          bucket: bucket, key: key, range: .bytes(offset: offset, length: length))
      }), got.bytes.count == length
    else {
      throw ParquetError.io("\(name) changed while being read")
    }
    return got.bytes
  }
}
