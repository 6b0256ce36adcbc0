/// A failed S3 request, sorted by whether trying again can help.
public struct S3Error: Error, Sendable, CustomStringConvertible {
  /// Whether a retry can help.
  public enum Kind: Sendable, Equatable {
    /// A retry may succeed: a 5xx answer, throttling (`SlowDown`), a timeout, a connection
    /// refused or reset.
    case transient
    /// A retry gives the same answer: refused credentials (403, `InvalidAccessKeyId`,
    /// `SignatureDoesNotMatch`), a missing bucket (`NoSuchBucket`), a malformed request.
    case permanent
  }

  public var kind: Kind
  /// The operation and object: `PUT s3://bucket/key`.
  public var operation: String
  /// The HTTP status, nil when no answer came.
  public var status: Int?
  /// The S3 error code (`NoSuchBucket`), or a short name of a transport failure.
  public var code: String
  public var message: String

  public init(kind: Kind, operation: String, status: Int?, code: String, message: String) {
    self.kind = kind
    self.operation = operation
    self.status = status
    self.code = code
    self.message = message
  }

  public var isTransient: Bool { kind == .transient }

  public var description: String {
    let answer = status.map { "HTTP \($0) " } ?? ""
    let text = message.isEmpty ? "" : ": \(message)"
    let verdict = kind == .transient ? "transient, retried" : "permanent"
    return "S3 \(operation): \(answer)\(code)\(text) (\(verdict))"
  }

  /// Sorts an answer that is not a success by its status and S3 error code.
  static func fromResponse(operation: String, status: Int, body: [UInt8]) -> S3Error {
    let text = String(decoding: body, as: UTF8.self)
    let code = S3XML.firstValue("Code", in: text) ?? "HTTP\(status)"
    let message = S3XML.firstValue("Message", in: text) ?? ""
    return S3Error(
      kind: classify(status: status, code: code), operation: operation, status: status,
      code: code, message: message)
  }

  static func classify(status: Int, code: String) -> Kind {
    let transientCodes: Set<String> = [
      "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling",
      "ThrottlingException", "RequestTimeTooSkewed", "OperationAborted",
      "ConditionalRequestConflict",
    ]
    if transientCodes.contains(code) { return .transient }
    if status >= 500 || status == 429 || status == 408 { return .transient }
    return .permanent
  }
}
