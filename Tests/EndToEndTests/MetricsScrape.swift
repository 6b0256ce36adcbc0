import Foundation
import TestSupport

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Reads the service's Prometheus endpoint (`run --metrics-port`) the way a scraper does.
enum MetricsScrape {
  /// A port nobody listens on now: bound to 0 by the kernel, then released.
  static func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        _ = bind(fd, pointer, length)
        return getsockname(fd, pointer, &length)
      }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// The value of every sample whose name (with labels) starts with `name`, summed; nil
  /// when the endpoint does not answer or has no such sample.
  static func value(_ name: String, port: Int) -> Double? {
    guard let text = fetch(port: port) else { return nil }
    let samples = text.split(separator: "\n").filter { $0.hasPrefix(name) }
    guard !samples.isEmpty else { return nil }
    return samples.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
  }

  static func fetch(port: Int) -> String? {
    get("/metrics", port: port).flatMap { $0.status == 200 ? $0.body : nil }
  }

  /// `GET path` on the endpoint: the status code and the body; nil when nothing answers
  /// within 5 s.
  static func get(_ path: String, port: Int) -> (status: Int, body: String)? {
    guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return nil }
    let done = DispatchSemaphore(value: 0)
    let box = ResponseBox()
    let task = URLSession.shared.dataTask(with: url) { data, response, _ in
      box.text = data.map { String(decoding: $0, as: UTF8.self) }
      box.status = (response as? HTTPURLResponse)?.statusCode
      done.signal()
    }
    task.resume()
    guard done.wait(timeout: .now() + 5) == .success else {
      task.cancel()
      return nil
    }
    guard let status = box.status else { return nil }
    return (status, box.text ?? "")
  }

  private final class ResponseBox: @unchecked Sendable {
    var text: String?
    var status: Int?
  }
}
