import Foundation
import Parquet

/// One object under a table's root, as a listing returns it.
public struct StoredObject: Sendable, Equatable {
  /// The key relative to the table root (`_delta_log/00000000000000000003.json`).
  public var key: String
  public var size: Int64
  public var modified: Date

  public init(key: String, size: Int64, modified: Date) {
    self.key = key
    self.size = size
    self.modified = modified
  }
}

/// How a Delta table reaches its files: everything the log, checkpoints, data files and
/// vacuum do goes through this, so the same table code runs on a local disk
/// (`LocalTableStorage`) or on object storage (an implementation outside this module).
///
/// Keys are relative to the table root and use `/` as separator. Every call is synchronous:
/// an implementation over an asynchronous client waits on the calling thread.
///
/// What a commit relies on is `putIfAbsent`: of two writers racing for one key exactly one
/// gets `true`, and the object appears whole or not at all.
public protocol TableStorage: Sendable {
  /// The table root, for `DeltaTable.url`, snapshots and messages (`file://` or `s3://`).
  var url: URL { get }

  /// The whole object, or nil when no object has that key.
  func read(_ key: String) throws -> Data?

  /// The object for ranged reads (a Parquet footer, then the column chunks asked for).
  func byteSource(_ key: String) throws -> any ParquetByteSource

  /// Writes `data` as `key`, replacing any object there; readers see the old or the new
  /// object, never a mix.
  func write(_ key: String, _ data: Data) throws

  /// Writes `data` as `key` only if no object has that key; false when one does. Atomic:
  /// the commit of a Delta version.
  func putIfAbsent(_ key: String, _ data: Data) throws -> Bool

  /// Writes a file produced by `produce`, which writes a complete file at the local path it
  /// is given (syncing it when told to) and returns its size; the object appears whole under
  /// `key` once this returns. `replacing: false` promises the key is new (a data file with a
  /// unique name), which lets a local disk write it in place.
  func writeFile(
    _ key: String, replacing: Bool, _ produce: (_ path: String, _ sync: Bool) throws -> Int64
  ) throws -> Int64

  /// Every object whose key starts with `prefix`, at any depth, in key order.
  func list(prefix: String) throws -> [StoredObject]

  /// The object's modification time, nil when absent.
  func modificationTime(_ key: String) throws -> Date?

  /// Deletes the object; deleting an absent key is not an error.
  func delete(_ key: String) throws

  /// Makes the table root ready for a first commit (a directory on a local disk).
  func prepareTable() throws
}
