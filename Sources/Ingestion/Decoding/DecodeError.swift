/// Why a record value could not be decoded into a `FeatureWrite`: the record is
/// dead-lettered with `description` as its reason.
public struct DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure, stable enough to count dead letters by.
  public enum Reason: String, Sendable, Hashable, CaseIterable {
    case emptyValue = "empty value"
    case nullValue = "null value"
    case tooLarge = "too large"
    case notUTF8 = "not UTF-8"
    case invalidJSON = "invalid JSON"
    case notAnObject = "not a JSON object"
    case tooDeep = "nesting too deep"
    case missingField = "missing field"
    case unknownField = "unknown field"
    case duplicateField = "duplicate field"
    case wrongType = "wrong type"
    case outOfRange = "out of range"
    case invalidTimestamp = "invalid timestamp"
    case unknownFeatureGroup = "unknown feature group"
    case unknownFeature = "unknown feature"
    case missingKeyColumn = "missing key column"
    case invalidIdempotencyKey = "invalid idempotency key"
    case invalidOperation = "invalid operation"
    case eventTimeAhead = "event_time ahead of the record"
  }

  public let reason: Reason
  /// Where in the record: a field path such as `values.spend`, `header idempotency-key`, or
  /// `byte 57` for a syntax error; empty when the whole value is concerned.
  public let location: String
  /// What was wrong, e.g. `expected double, got string`.
  public let detail: String

  public init(_ reason: Reason, at location: String, _ detail: String) {
    self.reason = reason
    self.location = location
    self.detail = detail
  }

  public var description: String { location.isEmpty ? detail : "\(location): \(detail)" }
}
