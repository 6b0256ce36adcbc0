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

extension DecodeError.Reason {
  /// The reason as a short snake_case code: the `reason` label of
  /// `idemstream_dead_letters_total` and what the run's summaries count by. Spelled out
  /// rather than derived from the case names, so that renaming a case keeps the metric.
  public var code: String {
    switch self {
    case .emptyValue: return "empty_value"
    case .nullValue: return "null_value"
    case .tooLarge: return "too_large"
    case .notUTF8: return "not_utf8"
    case .invalidJSON: return "invalid_json"
    case .notAnObject: return "not_an_object"
    case .tooDeep: return "too_deep"
    case .missingField: return "missing_field"
    case .unknownField: return "unknown_field"
    case .duplicateField: return "duplicate_field"
    case .wrongType: return "wrong_type"
    case .outOfRange: return "out_of_range"
    case .invalidTimestamp: return "invalid_timestamp"
    case .unknownFeatureGroup: return "unknown_feature_group"
    case .unknownFeature: return "unknown_feature"
    case .missingKeyColumn: return "missing_key_column"
    case .invalidIdempotencyKey: return "invalid_idempotency_key"
    case .invalidOperation: return "invalid_operation"
    case .eventTimeAhead: return "event_time_ahead"
    }
  }
}

/// The codes of every dead-letter reason: the decode failures' and `conflict` (same
/// idempotency key, other content).
public enum DeadLetterCode {
  public static let conflict = "conflict"
  public static let all = DecodeError.Reason.allCases.map(\.code) + [conflict]

  /// The code of a reason as `IngestionCounts.deadLetters` keys it (the reason's text, which
  /// the dead-letter table's `error` column also starts with).
  public static func code(ofReason text: String) -> String {
    DecodeError.Reason(rawValue: text)?.code ?? text
  }
}
