import Foundation
import XCTest

@testable import OnlineStore

final class StoreFilesTests: OnlineStoreTestCase {
  func testTheStoreLivesInOneDatabaseFileInWALMode() throws {
    let store = try openSQLiteStore()
    try apply(store, [user("u1", clicks: 1, at: 1, offset: 0)])
    XCTAssertEqual(store.databasePath, dataDirectory.path + "/online/online.db")
    XCTAssertTrue(FileManager.default.fileExists(atPath: store.databasePath))
    XCTAssertTrue(FileManager.default.fileExists(atPath: store.databasePath + "-wal"), "WAL mode")
    XCTAssertTrue(FileManager.default.fileExists(atPath: store.directory + "/dedup.log"))
  }

  func testACorruptDatabaseGivesATypedSQLiteError() throws {
    try FileManager.default.createDirectory(
      atPath: dataDirectory.path + "/online", withIntermediateDirectories: true)
    XCTAssertTrue(
      FileManager.default.createFile(
        atPath: dataDirectory.path + "/online/online.db",
        contents: Data(repeating: 0x5A, count: 8192)))
    XCTAssertThrowsError(try openSQLiteStore()) { error in
      guard let sqlite = error as? SQLiteError else { return XCTFail("unexpected \(error)") }
      XCTAssertEqual(sqlite.code, 26, "SQLITE_NOTADB")
      XCTAssertFalse(sqlite.message.isEmpty)
    }
    // The failed open released the lock.
    try FileManager.default.removeItem(atPath: dataDirectory.path + "/online/online.db")
    XCTAssertNoThrow(try openSQLiteStore())
  }

  func testADataDirectoryThatIsAFileGivesATypedIOError() throws {
    let path = dataDirectory.path + "/not-a-directory"
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
    XCTAssertThrowsError(try openSQLiteStore(at: path)) { error in
      guard case .io(let operation, _, _) = error as? OnlineStoreError else {
        return XCTFail("unexpected \(error)")
      }
      XCTAssertEqual(operation, "mkdir")
      XCTAssertTrue("\(error)".contains("failed"), "\(error)")
    }
  }
}
