/// A record value decoded against its feature group: everything the dedup index and both
/// stores need, with the columns already in schema order.
public struct FeatureWrite: Sendable, Hashable {
  /// Position of the group in `IdemstreamConfig.featureGroups`.
  public var groupIndex: Int
  public var groupName: String
  /// The primary-key values in `FeatureGroup.primaryKey` order; never `.null`.
  public var key: [FeatureValue]
  /// Microseconds since the Unix epoch, UTC.
  public var eventTimeMicros: Int64
  public var operation: WriteOperation
  /// One value per `FeatureGroup.valueFeatures` entry, in that order (`.null` when left out).
  /// A delete carries no values: all `.null`.
  public var values: [FeatureValue]
  /// The producer's key (1–256 bytes), or for a write without one the lowercase hex SHA-256
  /// of its canonical form (`CanonicalWrite`).
  public var idempotencyKey: String
  /// Whether `idempotencyKey` was derived from the content rather than given by the producer.
  public var idempotencyKeyIsDerived: Bool
  /// XXH64 of the canonical form: equal for equal decoded writes, used to tell a duplicate
  /// from a conflict.
  public var contentFingerprint: UInt64

  public init(
    groupIndex: Int, groupName: String, key: [FeatureValue], eventTimeMicros: Int64,
    operation: WriteOperation, values: [FeatureValue], idempotencyKey: String,
    idempotencyKeyIsDerived: Bool, contentFingerprint: UInt64
  ) {
    self.groupIndex = groupIndex
    self.groupName = groupName
    self.key = key
    self.eventTimeMicros = eventTimeMicros
    self.operation = operation
    self.values = values
    self.idempotencyKey = idempotencyKey
    self.idempotencyKeyIsDerived = idempotencyKeyIsDerived
    self.contentFingerprint = contentFingerprint
  }

  /// The event time in whole milliseconds (rounded down), the unit of the dedup window.
  public var eventTimeMillis: Int64 { Self.millis(fromMicros: eventTimeMicros) }

  /// Microseconds to whole milliseconds, rounded down.
  static func millis(fromMicros micros: Int64) -> Int64 {
    let (quotient, remainder) = micros.quotientAndRemainder(dividingBy: 1000)
    return remainder < 0 ? quotient - 1 : quotient
  }
}
