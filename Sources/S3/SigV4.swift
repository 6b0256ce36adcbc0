import Crypto

/// AWS Signature Version 4 for S3 (header signing, `AWS4-HMAC-SHA256`).
///
/// Pure: the caller gives the method, path, query, headers, payload hash and time, and gets
/// the headers to add. The path is URI-encoded once, as S3 wants (other services encode
/// twice); query names and values are encoded and sorted; header values are trimmed and
/// their inner runs of spaces kept as sent (S3's answers to such values are not needed here).
public struct SigV4Signer: Sendable {
  public var credentials: S3Credentials
  public var region: String
  public var service: String

  public init(credentials: S3Credentials, region: String, service: String = "s3") {
    self.credentials = credentials
    self.region = region
    self.service = service
  }

  /// The hex SHA-256 of a body: the `x-amz-content-sha256` value.
  public static func payloadHash<Bytes: Sequence>(_ body: Bytes) -> String
  where Bytes.Element == UInt8 {
    hex(SHA256.hash(data: Array(body)))
  }

  public static let emptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

  /// The signed request's `Authorization` header and the headers it signed, given `headers`
  /// that already hold `host`, `x-amz-date` and `x-amz-content-sha256` (and
  /// `x-amz-security-token` with session credentials). `amzDate` is `YYYYMMDDTHHMMSSZ`.
  public func authorization(
    method: String, path: String, query: [(String, String)], headers: [(String, String)],
    payloadHash: String, amzDate: String
  ) -> (authorization: String, canonicalRequest: String, stringToSign: String) {
    let canonicalHeaders = Self.canonicalHeaders(headers)
    let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
    let canonicalRequest = [
      method,
      Self.encodePath(path),
      Self.canonicalQuery(query),
      canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(),
      signedHeaders,
      payloadHash,
    ].joined(separator: "\n")
    let date = String(amzDate.prefix(8))
    let scope = "\(date)/\(region)/\(service)/aws4_request"
    let stringToSign = [
      "AWS4-HMAC-SHA256", amzDate, scope,
      Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
    ].joined(separator: "\n")
    let signature = Self.hex(signingKey(date: date).authenticate(Array(stringToSign.utf8)))
    let authorization =
      "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
      + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    return (authorization, canonicalRequest, stringToSign)
  }

  /// HMAC chain: `AWS4`+secret → date → region → service → `aws4_request`.
  func signingKey(date: String) -> SymmetricKey {
    var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
    for part in [date, region, service, "aws4_request"] {
      key = SymmetricKey(
        data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
    }
    return key
  }

  static func canonicalHeaders(_ headers: [(String, String)]) -> [(name: String, value: String)] {
    var merged: [String: [String]] = [:]
    for (name, value) in headers {
      merged[name.lowercased(), default: []].append(trim(value))
    }
    return merged.keys.sorted().map { ($0, merged[$0]!.joined(separator: ",")) }
  }

  static func canonicalQuery(_ query: [(String, String)]) -> String {
    query.map { (encode($0.0), encode($0.1)) }
      .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
      .map { "\($0.0)=\($0.1)" }
      .joined(separator: "&")
  }

  /// Each path segment URI-encoded, the slashes kept.
  public static func encodePath(_ path: String) -> String {
    let encoded = path.split(separator: "/", omittingEmptySubsequences: false)
      .map { encode(String($0)) }.joined(separator: "/")
    return encoded.isEmpty ? "/" : encoded
  }

  /// RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~` as `%XX` (upper-case hex).
  public static func encode(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
        UInt8(ascii: "."), UInt8(ascii: "~"):
        result.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        result += "%" + hexDigits(byte, upper: true)
      }
    }
    return result
  }

  private static func trim(_ value: String) -> String {
    var scalars = Substring(value)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }

  static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var text = ""
    for byte in bytes { text += hexDigits(byte, upper: false) }
    return text
  }

  private static func hexDigits(_ byte: UInt8, upper: Bool) -> String {
    let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
  }
}

extension SymmetricKey {
  fileprivate func authenticate(_ message: [UInt8]) -> HashedAuthenticationCode<SHA256> {
    HMAC<SHA256>.authenticationCode(for: message, using: self)
  }
}

/// Access key, secret and (temporary credentials) session token.
public struct S3Credentials: Sendable, Equatable {
  public var accessKeyID: String
  public var secretAccessKey: String
  public var sessionToken: String?

  public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
    self.accessKeyID = accessKeyID
    self.secretAccessKey = secretAccessKey
    self.sessionToken = sessionToken
  }

  /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; nil when
  /// either of the first two is missing or empty.
  public static func fromEnvironment(_ environment: [String: String]) -> S3Credentials? {
    guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
      let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
    else { return nil }
    let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
  }
}
