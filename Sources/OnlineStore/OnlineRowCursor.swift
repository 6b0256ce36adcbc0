/// Walks a group's live rows in primary-key order, one page at a time.
///
/// `next()` throws (a store read can fail), which is why this is a cursor and not a
/// `Sequence`; `forEachRemaining` covers the common loop.
public struct OnlineRowCursor {
  public typealias PageReader = (_ after: [OnlineValue]?, _ limit: Int) throws -> [OnlineRow]

  private let pageSize: Int
  private let readPage: PageReader
  private var page: [OnlineRow] = []
  private var position = 0
  private var lastKey: [OnlineValue]?
  private var exhausted = false

  public init(pageSize: Int, readPage: @escaping PageReader) {
    self.pageSize = max(1, pageSize)
    self.readPage = readPage
  }

  /// The next live row, nil after the last one.
  public mutating func next() throws -> OnlineRow? {
    if position == page.count {
      guard !exhausted else { return nil }
      page = try readPage(lastKey, pageSize)
      position = 0
      exhausted = page.count < pageSize
      guard !page.isEmpty else { return nil }
    }
    let row = page[position]
    position += 1
    lastKey = row.key
    return row
  }

  /// Calls `body` for every remaining row.
  public mutating func forEachRemaining(_ body: (OnlineRow) throws -> Void) throws {
    while let row = try next() { try body(row) }
  }
}
