import XCTest

final class OnlineStoreTestsPlaceholder: XCTestCase {}
