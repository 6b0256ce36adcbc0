import Foundation
import Parquet

/// A table on the local file system, with the semantics the service has always had: a
/// commit is `renameat2(RENAME_NOREPLACE)` (or link(2)) of a synced temporary file, files
/// and new directory entries are fsynced, a checkpoint is written under a temporary name and
/// renamed into place, and a data file (its name is unique) is written in place.
public struct LocalTableStorage: TableStorage {
  public let url: URL
  /// `url.path`, with no trailing slash.
  let rootPath: String

  public init(root: URL) {
    url = root
    var path = root.path
    while path.count > 1, path.hasSuffix("/") { path.removeLast() }
    rootPath = path
  }

  func path(_ key: String) -> String { key.isEmpty ? rootPath : rootPath + "/" + key }

  /// The directory that holds `key`, and the key's last component.
  private func split(_ key: String) -> (directory: String, name: String) {
    guard let slash = key.lastIndex(of: "/") else { return (rootPath, key) }
    return (path(String(key[..<slash])), String(key[key.index(after: slash)...]))
  }

  public func read(_ key: String) throws -> Data? {
    let path = path(key)
    // One open(2) decides: ENOENT is "no such object (yet)", any other failure is an
    // error. (Reading, then asking whether the file exists, raced with a writer creating
    // it in between, and reported a commit that had just landed as unreadable.)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      if code == ENOENT { return nil }
      throw DeltaError.io(path: path, reason: "open: \(String(cString: strerror(code)))")
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do {
      return try handle.readToEnd() ?? Data()
    } catch {
      throw DeltaError.io(path: path, reason: "read: \(error)")
    }
  }

  public func byteSource(_ key: String) throws -> any ParquetByteSource {
    try FileSource(path: path(key))
  }

  public func write(_ key: String, _ data: Data) throws {
    let path = path(key)
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw DeltaError.io(path: path, reason: "\(error)")
    }
  }

  public func putIfAbsent(_ key: String, _ data: Data) throws -> Bool {
    let (directory, name) = split(key)
    return try LogFileWriter.putIfAbsent(data, name: name, inDirectory: directory)
  }

  public func writeFile(
    _ key: String, replacing: Bool, _ produce: (_ path: String, _ sync: Bool) throws -> Int64
  ) throws -> Int64 {
    let target = path(key)
    guard replacing else {
      do {
        return try produce(target, true)
      } catch {
        unlink(target)
        throw error
      }
    }
    let (directory, name) = split(key)
    let temporary = directory + "/.\(name).\(RandomUUID.text()).tmp"
    let size: Int64
    do {
      size = try produce(temporary, true)
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, target) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw DeltaError.io(path: target, reason: "rename: \(reason)")
    }
    LogFileWriter.syncDirectory(directory)
    return size
  }

  public func list(prefix: String) throws -> [StoredObject] {
    // Walk from the deepest directory the prefix names; keep the keys that start with it.
    let directoryKey: String
    if let slash = prefix.lastIndex(of: "/") {
      directoryKey = String(prefix[..<slash])
    } else {
      directoryKey = ""
    }
    let manager = FileManager.default
    var found: [StoredObject] = []
    func walk(_ relative: String) throws {
      let directory = path(relative)
      let names: [String]
      do {
        names = try manager.contentsOfDirectory(atPath: directory)
      } catch {
        if !manager.fileExists(atPath: directory) { return }
        throw DeltaError.io(path: directory, reason: "\(error)")
      }
      for name in names {
        let key = relative.isEmpty ? name : relative + "/" + name
        var info = stat()
        guard lstat(path(key), &info) == 0 else { continue }
        if (info.st_mode & S_IFMT) == S_IFDIR {
          if prefix.hasPrefix(key + "/") || (key + "/").hasPrefix(prefix) || prefix.isEmpty {
            try walk(key)
          }
        } else if key.hasPrefix(prefix) {
          found.append(
            StoredObject(
              key: key, size: Int64(info.st_size), modified: Self.date(info.st_mtim)))
        }
      }
    }
    try walk(directoryKey)
    found.sort { $0.key < $1.key }
    return found
  }

  public func modificationTime(_ key: String) throws -> Date? {
    var info = stat()
    guard stat(path(key), &info) == 0 else {
      if errno == ENOENT { return nil }
      throw DeltaError.io(path: path(key), reason: String(cString: strerror(errno)))
    }
    return Self.date(info.st_mtim)
  }

  public func delete(_ key: String) throws {
    guard unlink(path(key)) == 0 || errno == ENOENT else {
      throw DeltaError.io(path: path(key), reason: "unlink: \(String(cString: strerror(errno)))")
    }
  }

  public func prepareTable() throws {
    let log = path("_delta_log")
    do {
      try FileManager.default.createDirectory(
        atPath: log, withIntermediateDirectories: true)
    } catch {
      throw DeltaError.io(path: log, reason: "\(error)")
    }
  }

  static func date(_ time: timespec) -> Date {
    Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
  }
}
