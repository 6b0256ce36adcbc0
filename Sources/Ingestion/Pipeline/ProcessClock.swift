import Foundation

/// How long this process has been running, for the restart figure ("from process start
/// until the stores are open and the consumer is ready").
enum ProcessClock {
  /// Milliseconds since the kernel started this process (Linux `/proc`); nil elsewhere.
  static func millisecondsSinceProcessStart() -> Int64? {
    guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
      let uptimeText = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
      let uptime = Double(uptimeText.split(separator: " ").first ?? "")
    else { return nil }
    // Fields after the command name (which may hold spaces) start at the last ')'.
    guard let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // starttime is field 22 overall: the 20th after the command name.
    guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
    let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
    return Int64((uptime - ticks / hertz) * 1000)
  }
}

/// A monotonic clock read as plain nanoseconds: cheap enough to time every record.
enum MonotonicNanoseconds {
  static var now: Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
  }
}
