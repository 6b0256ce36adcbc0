import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where and how an `S3Client` talks to its server.
public struct S3Configuration: Sendable {
  /// `http(s)://host[:port][/base]`; requests go path-style to `endpoint/bucket/key`.
  /// Empty: `https://s3.<region>.amazonaws.com`.
  public var endpoint: String
  public var region: String
  /// Plain `http://` endpoints are refused unless this is true.
  public var allowHTTP: Bool
  public var credentials: S3Credentials
  /// Connecting may take at most `connectTimeout`; an answer that stops arriving for
  /// `readTimeout` is a timeout; one request may take at most `requestTimeout` in all.
  public var connectTimeout: TimeAmount
  public var readTimeout: TimeAmount
  public var requestTimeout: TimeAmount
  /// `putFile` uploads a file larger than this in parts.
  public var multipartThreshold: Int
  /// The size of each part but the last (S3 wants at least 5 MiB).
  public var partSize: Int

  public init(
    endpoint: String, region: String = "us-east-1", allowHTTP: Bool = false,
    credentials: S3Credentials, connectTimeout: TimeAmount = .seconds(5),
    readTimeout: TimeAmount = .seconds(10), requestTimeout: TimeAmount = .seconds(300),
    multipartThreshold: Int = 64 << 20,
    partSize: Int = 16 << 20
  ) {
    self.endpoint = endpoint
    self.region = region
    self.allowHTTP = allowHTTP
    self.credentials = credentials
    self.connectTimeout = connectTimeout
    self.readTimeout = readTimeout
    self.requestTimeout = requestTimeout
    self.multipartThreshold = multipartThreshold
    self.partSize = max(5 << 20, partSize)
  }
}

/// A small S3 client: the calls a Delta table needs, signed with SigV4, over
/// `AsyncHTTPClient`.
///
/// It does: GetObject (whole or a byte range), HeadObject, PutObject (also conditional,
/// `If-None-Match: *`, where 412 means "already exists"), multipart upload of large files
/// (create, upload part, complete, abort), DeleteObject, ListObjectsV2 with pagination,
/// CreateBucket (for tests and set-up). Path-style addressing against the configured
/// endpoint; credentials given (or from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`). Every failure is an `S3Error` that says whether a retry can help.
///
/// It does not do: virtual-host addressing, credentials from instance metadata (IMDS), ECS,
/// SSO, web identity, profiles or `~/.aws`, credential refresh, region discovery or
/// redirects to another region, request checksums beyond the SHA-256 payload hash SigV4
/// signs (no Content-MD5, no `x-amz-checksum-*`), streaming (aws-chunked) signing,
/// presigned URLs, server-side encryption headers, object versions, ACLs, tagging, retries
/// of its own (callers decide; see `S3Error.kind`), or bodies larger than memory for a
/// single PUT (files above the threshold go in parts, each part in memory).
public final class S3Client: Sendable {
  public let configuration: S3Configuration
  let http: HTTPClient
  let signer: SigV4Signer
  /// `scheme://host[:port]`, and the endpoint's path (no trailing slash).
  let origin: String
  let hostHeader: String
  let basePath: String

  public init(configuration: S3Configuration) throws {
    self.configuration = configuration
    let endpoint =
      configuration.endpoint.isEmpty
      ? "https://s3.\(configuration.region).amazonaws.com" : configuration.endpoint
    guard let components = URLComponents(string: endpoint), let scheme = components.scheme,
      let host = components.host, !host.isEmpty, scheme == "http" || scheme == "https"
    else {
      throw S3Error(
        kind: .permanent, operation: "configure", status: nil, code: "InvalidEndpoint",
        message: "'\(endpoint)' is not an http(s) URL")
    }
    if scheme == "http" && !configuration.allowHTTP {
      throw S3Error(
        kind: .permanent, operation: "configure", status: nil, code: "InsecureEndpoint",
        message: "'\(endpoint)' is plain http; allow it explicitly (allow_http) or use https")
    }
    let port = components.port.map { ":\($0)" } ?? ""
    origin = "\(scheme)://\(host)\(port)"
    hostHeader = host + port
    var path = components.path
    while path.hasSuffix("/") { path.removeLast() }
    basePath = path
    signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
    var httpConfiguration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(connect: configuration.connectTimeout, read: configuration.readTimeout))
    httpConfiguration.httpVersion = .http1Only
    http = HTTPClient(
      eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
  }

  /// Closes the connections; the client is unusable after.
  public func shutdown() async throws { try await http.shutdown() }

  // MARK: Objects

  /// An object's bytes (all, or the range asked for) and what the answer said about it.
  public struct ObjectData: Sendable {
    public var bytes: [UInt8]
    /// The whole object's size (from `Content-Range` for a range).
    public var size: Int64
    public var lastModified: Date?
    public var etag: String?
  }

  /// A byte range of an object.
  public enum ByteRange: Sendable, Equatable {
    /// `length` bytes from `offset`.
    case bytes(offset: Int64, length: Int)
    /// The last `count` bytes (all of them when the object is shorter).
    case suffix(Int)

    var header: String {
      switch self {
      case .bytes(let offset, let length): return "bytes=\(offset)-\(offset + Int64(length) - 1)"
      case .suffix(let count): return "bytes=-\(count)"
      }
    }
  }

  /// GetObject. nil when the key does not exist (a missing bucket is an error).
  public func getObject(bucket: String, key: String, range: ByteRange? = nil) async throws
    -> ObjectData?
  {
    var headers: [(String, String)] = []
    if let range { headers.append(("Range", range.header)) }
    let response = try await send("GET", bucket: bucket, key: key, headers: headers)
    switch response.status {
    case 200, 206:
      var size = Int64(response.body.count)
      if response.status == 206, let contentRange = response.header("content-range"),
        let slash = contentRange.lastIndex(of: "/"),
        let total = Int64(contentRange[contentRange.index(after: slash)...])
      {
        size = total
      }
      return ObjectData(
        bytes: response.body, size: size,
        lastModified: response.header("last-modified").flatMap(HTTPDate.parseRFC1123),
        etag: response.header("etag"))
    case 416 where range != nil:
      // A suffix of an empty object: nothing to read.
      return ObjectData(bytes: [], size: 0, lastModified: nil, etag: response.header("etag"))
    case 404 where response.errorCode == "NoSuchKey" || response.errorCode == nil:
      return nil
    default:
      throw response.error(operation: "GET \(describe(bucket, key))")
    }
  }

  /// What HeadObject says of an object.
  public struct ObjectInfo: Sendable, Equatable {
    public var key: String
    public var size: Int64
    public var lastModified: Date
    public var etag: String?
  }

  /// HeadObject. nil when the key does not exist.
  public func headObject(bucket: String, key: String) async throws -> ObjectInfo? {
    let response = try await send("HEAD", bucket: bucket, key: key)
    switch response.status {
    case 200:
      return ObjectInfo(
        key: key, size: Int64(response.header("content-length") ?? "") ?? 0,
        lastModified: response.header("last-modified").flatMap(HTTPDate.parseRFC1123)
          ?? Date(timeIntervalSince1970: 0),
        etag: response.header("etag"))
    case 404: return nil
    default: throw response.error(operation: "HEAD \(describe(bucket, key))")
    }
  }

  /// PutObject. With `ifNoneMatch` the put is conditional (`If-None-Match: *`): false when
  /// an object with that key exists already (412), and nothing is written.
  @discardableResult
  public func putObject(bucket: String, key: String, body: [UInt8], ifNoneMatch: Bool = false)
    async throws -> Bool
  {
    let headers: [(String, String)] = ifNoneMatch ? [("If-None-Match", "*")] : []
    let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
    switch response.status {
    case 200: return true
    case 412 where ifNoneMatch: return false
    default: throw response.error(operation: "PUT \(describe(bucket, key))")
    }
  }

  /// Uploads the file at `path` as `key`: one PUT up to `multipartThreshold`, else a
  /// multipart upload (aborted should a part fail, so no parts are left behind).
  public func putFile(bucket: String, key: String, path: String) async throws {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
      throw S3Error(
        kind: .permanent, operation: "PUT \(describe(bucket, key))", status: nil,
        code: "LocalFile", message: "cannot read \(path): \(error)")
    }
    defer { try? handle.close() }
    func readChunk(_ count: Int) throws -> [UInt8] {
      do {
        return [UInt8](try handle.read(upToCount: count) ?? Data())
      } catch {
        throw S3Error(
          kind: .permanent, operation: "PUT \(describe(bucket, key))", status: nil,
          code: "LocalFile", message: "cannot read \(path): \(error)")
      }
    }
    let first = try readChunk(configuration.multipartThreshold + 1)
    if first.count <= configuration.multipartThreshold {
      try await putObject(bucket: bucket, key: key, body: first)
      return
    }
    let uploadID = try await createMultipartUpload(bucket: bucket, key: key)
    do {
      var parts: [(number: Int, etag: String)] = []
      var pending = first
      var number = 1
      while true {
        while pending.count < configuration.partSize {
          let more = try readChunk(configuration.partSize - pending.count)
          if more.isEmpty { break }
          pending += more
        }
        if pending.isEmpty { break }
        let size = min(configuration.partSize, pending.count)
        let part = Array(pending[..<size])
        pending.removeFirst(size)
        let etag = try await uploadPart(
          bucket: bucket, key: key, uploadID: uploadID, partNumber: number, body: part)
        parts.append((number, etag))
        number += 1
      }
      try await completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts)
    } catch {
      try? await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
      throw error
    }
  }

  /// CreateMultipartUpload; returns the upload id.
  public func createMultipartUpload(bucket: String, key: String) async throws -> String {
    let response = try await send("POST", bucket: bucket, key: key, query: [("uploads", "")])
    guard response.status == 200,
      let uploadID = S3XML.firstValue("UploadId", in: response.text)
    else { throw response.error(operation: "create multipart upload \(describe(bucket, key))") }
    return uploadID
  }

  /// UploadPart; returns the part's ETag.
  public func uploadPart(
    bucket: String, key: String, uploadID: String, partNumber: Int, body: [UInt8]
  ) async throws -> String {
    let response = try await send(
      "PUT", bucket: bucket, key: key,
      query: [("partNumber", "\(partNumber)"), ("uploadId", uploadID)], body: body)
    guard response.status == 200, let etag = response.header("etag") else {
      throw response.error(operation: "upload part \(partNumber) of \(describe(bucket, key))")
    }
    return etag
  }

  /// CompleteMultipartUpload. S3 may answer 200 with an error in the body; that is an error.
  public func completeMultipartUpload(
    bucket: String, key: String, uploadID: String, parts: [(number: Int, etag: String)]
  ) async throws {
    var xml = "<CompleteMultipartUpload>"
    for part in parts {
      xml +=
        "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XML.escape(part.etag))</ETag></Part>"
    }
    xml += "</CompleteMultipartUpload>"
    let response = try await send(
      "POST", bucket: bucket, key: key, query: [("uploadId", uploadID)], body: Array(xml.utf8))
    let operation = "complete multipart upload \(describe(bucket, key))"
    guard response.status == 200 else { throw response.error(operation: operation) }
    if S3XML.firstValue("Code", in: response.text) != nil {
      throw S3Error.fromResponse(operation: operation, status: 500, body: response.body)
    }
  }

  /// AbortMultipartUpload.
  public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
    let response = try await send(
      "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)])
    guard response.status == 204 || response.status == 200 || response.status == 404 else {
      throw response.error(operation: "abort multipart upload \(describe(bucket, key))")
    }
  }

  /// DeleteObject; deleting an absent key succeeds.
  public func deleteObject(bucket: String, key: String) async throws {
    let response = try await send("DELETE", bucket: bucket, key: key)
    guard response.status == 204 || response.status == 200 || response.status == 404 else {
      throw response.error(operation: "DELETE \(describe(bucket, key))")
    }
  }

  // MARK: Listing, buckets

  /// One page of ListObjectsV2, and the token of the next (nil: the last page).
  public func listObjectsPage(
    bucket: String, prefix: String, continuationToken: String? = nil, maxKeys: Int = 1000
  ) async throws -> (objects: [ObjectInfo], next: String?) {
    var query: [(String, String)] = [
      ("list-type", "2"), ("prefix", prefix), ("max-keys", "\(maxKeys)"),
    ]
    if let continuationToken { query.append(("continuation-token", continuationToken)) }
    let response = try await send("GET", bucket: bucket, key: "", query: query)
    guard response.status == 200 else {
      throw response.error(operation: "LIST \(describe(bucket, prefix))")
    }
    let text = Substring(response.text)
    let objects = S3XML.elements("Contents", in: text).compactMap { entry -> ObjectInfo? in
      guard let key = S3XML.values("Key", in: entry).first else { return nil }
      return ObjectInfo(
        key: key, size: Int64(S3XML.values("Size", in: entry).first ?? "") ?? 0,
        lastModified: S3XML.values("LastModified", in: entry).first.flatMap(HTTPDate.parseISO8601)
          ?? Date(timeIntervalSince1970: 0),
        etag: S3XML.values("ETag", in: entry).first)
    }
    let truncated = S3XML.values("IsTruncated", in: text).first == "true"
    let next = truncated ? S3XML.values("NextContinuationToken", in: text).first : nil
    if truncated && next == nil {
      throw S3Error(
        kind: .permanent, operation: "LIST \(describe(bucket, prefix))", status: 200,
        code: "MissingContinuationToken", message: "a truncated listing without a next token")
    }
    return (objects, next)
  }

  /// Every object under `prefix`, all pages, in key order.
  public func listObjects(bucket: String, prefix: String) async throws -> [ObjectInfo] {
    var all: [ObjectInfo] = []
    var token: String?
    repeat {
      let page = try await listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token)
      all += page.objects
      token = page.next
    } while token != nil
    return all
  }

  /// CreateBucket (in the configured region); an existing bucket of ours is fine.
  public func createBucket(_ bucket: String) async throws {
    var body: [UInt8] = []
    if configuration.region != "us-east-1" {
      body = Array(
        ("<CreateBucketConfiguration><LocationConstraint>\(configuration.region)"
          + "</LocationConstraint></CreateBucketConfiguration>").utf8)
    }
    let response = try await send("PUT", bucket: bucket, key: "", body: body)
    guard response.status == 200 || response.errorCode == "BucketAlreadyOwnedByYou" else {
      throw response.error(operation: "create bucket \(bucket)")
    }
  }

  // MARK: Requests

  struct Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first(name: name) }
    var text: String { String(decoding: body, as: UTF8.self) }
    var errorCode: String? { S3XML.firstValue("Code", in: text) }
    func error(operation: String) -> S3Error {
      S3Error.fromResponse(operation: operation, status: status, body: body)
    }
  }

  func describe(_ bucket: String, _ key: String) -> String { "s3://\(bucket)/\(key)" }

  /// Signs and sends one request, and reads the whole answer. A failure to get an answer
  /// (refused, reset, timed out) is a transient `S3Error`.
  func send(
    _ method: String, bucket: String, key: String, query: [(String, String)] = [],
    headers extra: [(String, String)] = [], body: [UInt8] = []
  ) async throws -> Response {
    let path = basePath + "/" + bucket + (key.isEmpty ? "" : "/" + key)
    let payloadHash =
      body.isEmpty ? SigV4Signer.emptyPayloadHash : SigV4Signer.payloadHash(body)
    let amzDate = HTTPDate.amzDate(Date())
    var headers: [(String, String)] = [
      ("host", hostHeader), ("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash),
    ]
    if let token = configuration.credentials.sessionToken {
      headers.append(("x-amz-security-token", token))
    }
    headers += extra
    let signed = signer.authorization(
      method: method, path: path, query: query, headers: headers, payloadHash: payloadHash,
      amzDate: amzDate)
    let queryString = SigV4Signer.canonicalQuery(query)
    var request = HTTPClientRequest(
      url: origin + SigV4Signer.encodePath(path) + (queryString.isEmpty ? "" : "?" + queryString))
    request.method = HTTPMethod(rawValue: method)
    for (name, value) in headers where name != "host" {
      request.headers.add(name: name, value: value)
    }
    request.headers.add(name: "Authorization", value: signed.authorization)
    if !body.isEmpty || method == "PUT" || method == "POST" {
      request.headers.add(name: "Content-Length", value: "\(body.count)")
      request.body = .bytes(ByteBuffer(bytes: body))
    }
    let operation = "\(method) \(describe(bucket, key))"
    do {
      let response = try await http.execute(request, timeout: configuration.requestTimeout)
      var buffer = try await response.body.collect(upTo: Int(Int32.max))
      let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
      return Response(status: Int(response.status.code), headers: response.headers, body: bytes)
    } catch let error as S3Error {
      throw error
    } catch {
      throw S3Error(
        kind: .transient, operation: operation, status: nil, code: "NoAnswer",
        message: "\(error)")
    }
  }
}

/// The date formats S3 uses, without formatters (which are neither cheap nor Sendable).
enum HTTPDate {
  /// `YYYYMMDDTHHMMSSZ`, UTC.
  static func amzDate(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
  }

  private static func date(
    year: Int32, month: Int32, day: Int32, hour: Int32, minute: Int32, second: Int32,
    fraction: Double = 0
  ) -> Date {
    var parts = tm()
    parts.tm_year = year - 1900
    parts.tm_mon = month - 1
    parts.tm_mday = day
    parts.tm_hour = hour
    parts.tm_min = minute
    parts.tm_sec = second
    return Date(timeIntervalSince1970: Double(timegm(&parts)) + fraction)
  }

  /// `2009-10-12T17:50:30.000Z`.
  static func parseISO8601(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 20 else { return nil }
    func number(_ range: Range<Int>) -> Int32? {
      Int32(String(decoding: bytes[range], as: UTF8.self))
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
    else { return nil }
    var fraction = 0.0
    if bytes[19] == UInt8(ascii: "."), let end = bytes.firstIndex(of: UInt8(ascii: "Z")), end > 20 {
      fraction = Double("0" + String(decoding: bytes[19..<end], as: UTF8.self)) ?? 0
    }
    return date(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second,
      fraction: fraction)
  }

  /// `Wed, 21 Oct 2015 07:28:00 GMT`.
  static func parseRFC1123(_ text: String) -> Date? {
    let words = text.split(separator: " ")
    guard words.count >= 5 else { return nil }
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    let clock = words[4].split(separator: ":")
    guard let day = Int32(words[1]), let monthIndex = months.firstIndex(of: String(words[2])),
      let year = Int32(words[3]), clock.count == 3, let hour = Int32(clock[0]),
      let minute = Int32(clock[1]), let second = Int32(clock[2])
    else { return nil }
    return date(
      year: year, month: Int32(monthIndex + 1), day: day, hour: hour, minute: minute,
      second: second)
  }
}
