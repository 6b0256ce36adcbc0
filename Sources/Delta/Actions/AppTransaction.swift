/// A `txn` action: the latest version an application has committed to this table.
///
/// Writers that must not apply the same input twice (idemstream: one per Kafka partition) read
/// their version back after a crash and skip what the table already holds.
public struct AppTransaction: Sendable, Hashable, Codable {
  public var appId: String
  public var version: Int64
  /// Milliseconds since the epoch of the commit that set it.
  public var lastUpdated: Int64?

  public init(appId: String, version: Int64, lastUpdated: Int64? = nil) {
    self.appId = appId
    self.version = version
    self.lastUpdated = lastUpdated
  }
}
