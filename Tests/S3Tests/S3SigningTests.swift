import XCTest

@testable import S3

/// SigV4 against the example in AWS's S3 documentation ("Signature Calculations for the
/// Authorization Header", GET Object with a Range): its inputs and its published signature.
final class S3SigningTests: XCTestCase {
  let signer = SigV4Signer(
    credentials: S3Credentials(
      accessKeyID: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    region: "us-east-1")

  func testGetObjectWithRangeMatchesTheDocumentedSignature() {
    let signed = signer.authorization(
      method: "GET", path: "/test.txt", query: [],
      headers: [
        ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
        ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
        ("x-amz-date", "20130524T000000Z"),
      ],
      payloadHash: SigV4Signer.emptyPayloadHash, amzDate: "20130524T000000Z")
    XCTAssertEqual(
      signed.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    XCTAssertEqual(
      signed.canonicalRequest,
      """
      GET
      /test.txt

      host:examplebucket.s3.amazonaws.com
      range:bytes=0-9
      x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
      x-amz-date:20130524T000000Z

      host;range;x-amz-content-sha256;x-amz-date
      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
      """)
  }

  func testEncodingKeepsUnreservedCharactersOnly() {
    XCTAssertEqual(SigV4Signer.encode("a-b_c.d~e"), "a-b_c.d~e")
    XCTAssertEqual(SigV4Signer.encode("a b/c$d"), "a%20b%2Fc%24d")
    XCTAssertEqual(SigV4Signer.encodePath("/bucket/t$x/y z"), "/bucket/t%24x/y%20z")
    XCTAssertEqual(
      SigV4Signer.canonicalQuery([("prefix", "J"), ("max-keys", "2"), ("uploads", "")]),
      "max-keys=2&prefix=J&uploads=")
  }

  func testCredentialsComeFromTheEnvironment() {
    XCTAssertNil(S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "a"]))
    XCTAssertEqual(
      S3Credentials.fromEnvironment([
        "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": "c",
      ]), S3Credentials(accessKeyID: "a", secretAccessKey: "b", sessionToken: "c"))
  }

  func testErrorsSaySortWhetherARetryHelps() {
    func kind(_ status: Int, _ code: String) -> S3Error.Kind {
      S3Error.fromResponse(
        operation: "PUT", status: status,
        body: Array("<Error><Code>\(code)</Code><Message>m</Message></Error>".utf8)
      ).kind
    }
    XCTAssertEqual(kind(503, "SlowDown"), .transient)
    XCTAssertEqual(kind(500, "InternalError"), .transient)
    XCTAssertEqual(kind(403, "InvalidAccessKeyId"), .permanent)
    XCTAssertEqual(kind(403, "SignatureDoesNotMatch"), .permanent)
    XCTAssertEqual(kind(404, "NoSuchBucket"), .permanent)
  }
}
