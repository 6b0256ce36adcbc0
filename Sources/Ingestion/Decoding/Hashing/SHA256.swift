/// SHA-256 as specified by FIPS 180-4.
///
/// It is written here (rather than pulled in from a crypto package) because idemstream needs
/// exactly one primitive: a collision-resistant digest of a few hundred bytes, computed once
/// per record without an idempotency key and once per dedup decision. A one-shot function over
/// a contiguous buffer is all that is needed, so there is no streaming state to carry around.
public enum SHA256 {
  /// The digest of `bytes`.
  public static func digest(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
    var state = initialState
    let count = bytes.count
    let fullBlocks = count / 64
    roundConstants.withUnsafeBufferPointer { constants in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
        if let base = bytes.baseAddress {
          for block in 0..<fullBlocks {
            compress(&state, block: base + block * 64, schedule: schedule, constants: constants)
          }
        }
        // The tail: the remaining bytes, the 0x80 marker, zero padding and the bit length
        // fill one or two final blocks.
        withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { tail in
          tail.initializeMemory(as: UInt8.self, repeating: 0)
          let remaining = count - fullBlocks * 64
          if remaining > 0, let base = bytes.baseAddress {
            tail.baseAddress!.copyMemory(from: base + fullBlocks * 64, byteCount: remaining)
          }
          tail[remaining] = 0x80
          let tailBlocks = remaining + 9 <= 64 ? 1 : 2
          let bitLength = UInt64(count) &* 8
          tail.storeBytes(
            of: bitLength.bigEndian, toByteOffset: tailBlocks * 64 - 8, as: UInt64.self)
          for block in 0..<tailBlocks {
            compress(
              &state, block: UnsafeRawPointer(tail.baseAddress! + block * 64), schedule: schedule,
              constants: constants)
          }
        }
      }
    }
    return SHA256Digest(
      word0: UInt64(state.0) << 32 | UInt64(state.1),
      word1: UInt64(state.2) << 32 | UInt64(state.3),
      word2: UInt64(state.4) << 32 | UInt64(state.5), word3: UInt64(state.6) << 32 | UInt64(state.7)
    )
  }

  /// The digest of a byte collection (copied into contiguous memory when it is not already).
  public static func digest<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> SHA256Digest {
    if let result = bytes.withContiguousStorageIfAvailable({ digest(UnsafeRawBufferPointer($0)) }) {
      return result
    }
    return Array(bytes).withUnsafeBytes { digest($0) }
  }

  typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

  static let initialState: State = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19
  )

  static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]

  @inline(__always)
  static func rotateRight(_ value: UInt32, _ amount: UInt32) -> UInt32 {
    (value >> amount) | (value << (32 &- amount))
  }

  /// One application of the compression function to a 64-byte block.
  @inline(__always)
  static func compress(
    _ state: inout State, block: UnsafeRawPointer, schedule: UnsafeMutableBufferPointer<UInt32>,
    constants: UnsafeBufferPointer<UInt32>
  ) {
    let w = schedule.baseAddress!
    let k = constants.baseAddress!
    for i in 0..<16 {
      w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
    }
    for i in 16..<64 {
      let x = w[i - 15]
      let y = w[i - 2]
      let s0 = rotateRight(x, 7) ^ rotateRight(x, 18) ^ (x >> 3)
      let s1 = rotateRight(y, 17) ^ rotateRight(y, 19) ^ (y >> 10)
      w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
    }
    var (a, b, c, d, e, f, g, h) = state
    for i in 0..<64 {
      let sigma1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
      let choose = (e & f) ^ (~e & g)
      let t1 = h &+ sigma1 &+ choose &+ k[i] &+ w[i]
      let sigma0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
      let majority = (a & b) ^ (a & c) ^ (b & c)
      let t2 = sigma0 &+ majority
      h = g
      g = f
      f = e
      e = d &+ t1
      d = c
      c = b
      b = a
      a = t1 &+ t2
    }
    state = (
      state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f,
      state.6 &+ g, state.7 &+ h
    )
  }
}
