/// A `protocol` action: the reader and writer versions a client must implement.
public struct TableProtocol: Sendable, Hashable, Codable {
  public var minReaderVersion: Int32
  public var minWriterVersion: Int32
  public var readerFeatures: [String]?
  public var writerFeatures: [String]?

  public init(
    minReaderVersion: Int32, minWriterVersion: Int32, readerFeatures: [String]? = nil,
    writerFeatures: [String]? = nil
  ) {
    self.minReaderVersion = minReaderVersion
    self.minWriterVersion = minWriterVersion
    self.readerFeatures = readerFeatures
    self.writerFeatures = writerFeatures
  }

  /// What this module writes: reader 1 / writer 2 (append-only and invariants understood,
  /// no table features), the most widely readable combination.
  public static let defaultForNewTables = TableProtocol(minReaderVersion: 1, minWriterVersion: 2)

  /// Reader features this module can honour: none that change how files are read.
  static let supportedReaderFeatures: Set<String> = ["timestampNtz", "vacuumProtocolCheck"]

  /// Throws unless this module can read the table correctly.
  public func checkReadable() throws {
    let unsupported = (readerFeatures ?? []).filter { !Self.supportedReaderFeatures.contains($0) }
    if minReaderVersion > 3 || minReaderVersion == 2 || !unsupported.isEmpty {
      throw DeltaError.unsupportedProtocol(
        minReaderVersion: minReaderVersion, minWriterVersion: minWriterVersion,
        features: unsupported)
    }
  }

  /// Throws unless this module can write the table without breaking a feature it does not know:
  /// writer 2 (invariants, append-only) and nothing newer.
  public func checkWritable() throws {
    try checkReadable()
    if minWriterVersion > 2 {
      throw DeltaError.unsupportedProtocol(
        minReaderVersion: minReaderVersion, minWriterVersion: minWriterVersion,
        features: writerFeatures ?? [])
    }
  }
}
