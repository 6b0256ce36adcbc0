#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The append-only file of dedup entries beside the database.
///
/// The database records the file's name and committed length in the same transaction as
/// the rows, so the length in the database is the truth: bytes beyond it were appended by a
/// batch whose commit never happened and are cut when the store opens.
///
/// A log of legacy records (`DedupEntryRecord.legacyEncodedSize`) is read as it is; a store
/// opened for writing rewrites it (`SQLiteOnlineStore`) before anything is appended.
final class DedupLog {
  let directory: String
  private(set) var fileName: String
  private(set) var committedLength: Int64
  /// Bytes per record in the file in force.
  private(set) var recordSize: Int
  private var file: SystemFile

  /// Entries are read in chunks of this many records (about 2.8 MB).
  private static let recordsPerChunk = 65_536

  init(
    directory: String, fileName: String, committedLength: Int64, recordSize: Int, readOnly: Bool
  ) throws {
    let path = directory + "/" + fileName
    guard
      [DedupEntryRecord.encodedSize, DedupEntryRecord.legacyEncodedSize].contains(recordSize)
    else {
      throw OnlineStoreError.dedupLogCorrupt(
        path: path,
        reason:
          "the database gives its records \(recordSize) bytes; this version reads \(DedupEntryRecord.encodedSize) (or \(DedupEntryRecord.legacyEncodedSize), from older versions)"
      )
    }
    let file = try SystemFile(path: path, flags: readOnly ? O_RDONLY : (O_RDWR | O_CREAT))
    let size = try file.size()
    guard committedLength % Int64(recordSize) == 0 else {
      throw OnlineStoreError.dedupLogCorrupt(
        path: path,
        reason:
          "the committed length \(committedLength) is not a multiple of the \(recordSize)-byte record size"
      )
    }
    guard size >= committedLength else {
      throw OnlineStoreError.dedupLogCorrupt(
        path: path,
        reason:
          "the file has \(size) bytes but the database committed \(committedLength); committed entries are missing"
      )
    }
    if size > committedLength && !readOnly {
      try file.truncate(to: committedLength)
      try file.synchronize()
    }
    self.directory = directory
    self.fileName = fileName
    self.committedLength = committedLength
    self.recordSize = recordSize
    self.file = file
  }

  var path: String { directory + "/" + fileName }

  var entryCount: Int { Int(committedLength) / recordSize }

  /// Appends entries after the committed length and makes them durable; returns the length
  /// to commit. Until `markCommitted` the new bytes are an uncommitted tail.
  func append(_ entries: [DedupEntryRecord]) throws -> Int64 {
    guard !entries.isEmpty else { return committedLength }
    precondition(recordSize == DedupEntryRecord.encodedSize, "append to a legacy dedup log")
    let buffer = DedupEntryRecord.encode(entries)
    try buffer.withUnsafeBytes { try file.write($0, at: committedLength) }
    try file.synchronize()
    return committedLength + Int64(buffer.count)
  }

  func markCommitted(length: Int64) {
    committedLength = length
  }

  /// Cuts what a failed batch appended, so the next append starts at the committed length.
  func discardUncommitted() throws {
    try file.truncate(to: committedLength)
  }

  /// Visits the committed entries in append order, reading the file in large chunks.
  func forEachEntry(_ body: (DedupEntryRecord) throws -> Void) throws {
    let size = recordSize
    let chunkBytes = Self.recordsPerChunk * size
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 8)
    defer { buffer.deallocate() }
    var position: Int64 = 0
    while position < committedLength {
      let wanted = Int(min(Int64(chunkBytes), committedLength - position))
      let count = try file.read(
        into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]), at: position)
      guard count == wanted else {
        throw OnlineStoreError.dedupLogCorrupt(
          path: path,
          reason:
            "the file ended at \(position + Int64(count)) before the committed length \(committedLength)"
        )
      }
      let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<wanted])
      var offset = 0
      while offset < wanted {
        try body(DedupEntryRecord(decoding: chunk, at: offset, size: size))
        offset += size
      }
      position += Int64(wanted)
    }
  }

  /// Writes `entries` into a new file `name` and makes it durable; the caller switches to it
  /// with `switchTo` once the database has committed the new name.
  func writeReplacement<Entries: Sequence<DedupEntryRecord>>(_ entries: Entries, name: String)
    throws
    -> (file: SystemFile, length: Int64)
  {
    let replacement = try SystemFile(
      path: directory + "/" + name, flags: O_RDWR | O_CREAT | O_TRUNC)
    var length: Int64 = 0
    var chunk: [DedupEntryRecord] = []
    chunk.reserveCapacity(Self.recordsPerChunk)
    func flush() throws {
      let bytes = DedupEntryRecord.encode(chunk)
      try bytes.withUnsafeBytes { try replacement.write($0, at: length) }
      length += Int64(bytes.count)
      chunk.removeAll(keepingCapacity: true)
    }
    for entry in entries {
      chunk.append(entry)
      if chunk.count == Self.recordsPerChunk { try flush() }
    }
    try flush()
    try replacement.synchronize()
    try SystemFile.synchronizeDirectory(directory)
    return (replacement, length)
  }

  /// Makes a committed replacement the log in force.
  func switchTo(file replacement: SystemFile, name: String, length: Int64) {
    file = replacement
    fileName = name
    committedLength = length
    recordSize = DedupEntryRecord.encodedSize
  }
}
