import Foundation

/// A pyarrow process that loads the benchmark rows once, then writes them with zstd each
/// time it is asked, reporting its own wall time. Runs alternate with ours so that load
/// from other processes on the machine hits both sides alike.
final class PyArrowWriter {
  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private var buffered: [UInt8] = []

  static let script = """
    import sys, time, os
    import pyarrow as pa, pyarrow.parquet as pq
    pa.set_cpu_count(1); pa.set_io_thread_count(1)
    table = pq.read_table(sys.argv[1])  # built before any timing
    out = sys.argv[2]
    print("ready", flush=True)
    for line in sys.stdin:
        start = time.perf_counter()
        pq.write_table(table, out, compression="zstd")
        print(time.perf_counter() - start, os.path.getsize(out), flush=True)
    """

  init(python: String, source: String, target: String) throws {
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", Self.script, source, target]
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    guard try readLine() == "ready" else { throw BenchFailure("pyarrow did not start") }
  }

  /// One timed write: (seconds, file size).
  func write() throws -> (seconds: Double, bytes: Int) {
    try input.fileHandleForWriting.write(contentsOf: Data("run\n".utf8))
    let parts = try readLine().split(separator: " ")
    guard parts.count == 2, let seconds = Double(parts[0]), let bytes = Int(parts[1]) else {
      throw BenchFailure("unexpected pyarrow answer \(parts)")
    }
    return (seconds, bytes)
  }

  func stop() {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
  }

  private func readLine() throws -> String {
    while true {
      if let newline = buffered.firstIndex(of: 10) {
        let line = String(decoding: buffered[..<newline], as: UTF8.self)
        buffered.removeSubrange(...newline)
        return line
      }
      let chunk = output.fileHandleForReading.availableData
      guard !chunk.isEmpty else {
        process.waitUntilExit()
        throw BenchFailure("pyarrow exited with status \(process.terminationStatus)")
      }
      buffered.append(contentsOf: chunk)
    }
  }
}

struct BenchFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
