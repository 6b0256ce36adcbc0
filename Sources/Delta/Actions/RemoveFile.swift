/// A `remove` action: a data file that is no longer part of the table from this version on.
public struct RemoveFile: Sendable, Hashable, Codable {
  public var path: String
  /// Milliseconds since the epoch when the file was removed (vacuum retention starts here).
  public var deletionTimestamp: Int64?
  /// False when the rows live on in other files (compaction).
  public var dataChange: Bool
  public var extendedFileMetadata: Bool?
  public var partitionValues: [String: String?]?
  public var size: Int64?
  public var stats: String?
  public var tags: [String: String?]?

  public init(
    path: String, deletionTimestamp: Int64?, dataChange: Bool,
    extendedFileMetadata: Bool? = nil, partitionValues: [String: String?]? = nil,
    size: Int64? = nil, stats: String? = nil, tags: [String: String?]? = nil
  ) {
    self.path = path
    self.deletionTimestamp = deletionTimestamp
    self.dataChange = dataChange
    self.extendedFileMetadata = extendedFileMetadata
    self.partitionValues = partitionValues
    self.size = size
    self.stats = stats
    self.tags = tags
  }

  /// The remove action for a live file, carrying its metadata so readers of the removal
  /// (change feeds, vacuum) need not look the add up.
  public init(removing file: AddFile, at deletionTimestamp: Int64, dataChange: Bool) {
    self.init(
      path: file.path, deletionTimestamp: deletionTimestamp, dataChange: dataChange,
      extendedFileMetadata: true, partitionValues: file.partitionValues, size: file.size,
      stats: file.stats, tags: file.tags)
  }
}
