/// An `add` action: a data file that belongs to the table from this version on.
public struct AddFile: Sendable, Hashable, Codable {
  /// Relative URI of the file under the table directory (percent-encoded, as the protocol says).
  public var path: String
  /// Partition column → value (null allowed); empty for unpartitioned tables.
  public var partitionValues: [String: String?]
  /// Size of the file in bytes.
  public var size: Int64
  /// Milliseconds since the epoch when the file was written.
  public var modificationTime: Int64
  /// False only for rewrites (compaction) that leave the table's rows unchanged.
  public var dataChange: Bool
  /// Column statistics as a JSON string (numRecords, minValues, maxValues, nullCount).
  public var stats: String?
  /// Free-form tags.
  public var tags: [String: String?]?

  public init(
    path: String, partitionValues: [String: String?] = [:], size: Int64, modificationTime: Int64,
    dataChange: Bool = true, stats: String? = nil, tags: [String: String?]? = nil
  ) {
    self.path = path
    self.partitionValues = partitionValues
    self.size = size
    self.modificationTime = modificationTime
    self.dataChange = dataChange
    self.stats = stats
    self.tags = tags
  }

  /// The parsed `stats`, or nil when the writer recorded none.
  public func statistics() throws -> FileStatistics? {
    guard let stats else { return nil }
    return try FileStatistics(json: stats)
  }

  /// The file's path relative to the table directory, percent-decoded.
  public var relativeFilePath: String { path.removingPercentEncoding ?? path }
}
