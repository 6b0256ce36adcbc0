/// How a `ParquetWriter` lays out and compresses a file. The defaults match pyarrow's
/// (dictionary on with a 1 MiB limit, 1 MiB pages, data page v1) except that zstd is the
/// default codec.
public struct ParquetWriterOptions: Sendable {
  /// Which data page header to write. Readers of every maintained library handle both.
  public enum DataPageVersion: Sendable { case v1, v2 }

  public var compression: ParquetCompression = .zstd
  /// zstd level (1 is pyarrow's default: fast, good ratio).
  public var zstdLevel: Int32 = 1
  /// Dictionary-encode columns (not booleans) whose distinct values fit the limit.
  public var dictionaryEnabled = true
  /// Dictionary page size beyond which a column chunk is written PLAIN instead.
  public var dictionaryPageSizeLimit = 1 << 20
  /// Target uncompressed size of a data page.
  public var dataPageSize = 1 << 20
  /// A `write(rowGroup:)` batch longer than this is split into several row groups.
  public var maxRowsPerRowGroup = 1 << 20
  public var dataPageVersion = DataPageVersion.v1
  /// Key-value metadata stored in the footer (e.g. the Arrow schema, Delta hints).
  public var keyValueMetadata: [String: String] = [:]
  /// The `created_by` footer field; Arrow parses `<name> version <x.y.z> (build <b>)`.
  public var createdBy = "idemstream-parquet version 1.0.0 (build idemstream)"

  public init() {}

  public init(
    compression: ParquetCompression = .zstd, dictionaryEnabled: Bool = true,
    maxRowsPerRowGroup: Int = 1 << 20, keyValueMetadata: [String: String] = [:]
  ) {
    self.compression = compression
    self.dictionaryEnabled = dictionaryEnabled
    self.maxRowsPerRowGroup = maxRowsPerRowGroup
    self.keyValueMetadata = keyValueMetadata
  }
}
