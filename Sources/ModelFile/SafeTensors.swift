import Foundation
import RNNCore

// The Hugging Face safetensors layout: an 8-byte little-endian header length N,
// N bytes of UTF-8 JSON, then the tensors' raw little-endian bytes. Reading
// validates as the reference reader (huggingface/safetensors, tensor.rs) does.

/// The element types the tutor can read; F16 and BF16 widen to Float32.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    public var byteSize: Int { self == .f32 ? 4 : 2 }
}

/// Why bytes are not a readable safetensors file. One line, without the path
/// (the caller knows which file it read).
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One tensor as stored: its name, its dtype on disk, and its values widened to Float32.
public struct StoredTensor: Equatable, Sendable {
    public var name: String
    public var dtype: SafeTensorsDType
    public var tensor: Tensor
}

/// Everything a safetensors file holds.
public struct SafeTensorsFile: Equatable, Sendable {
    /// The header's `__metadata__` (empty when absent).
    public var metadata: [String: String]
    /// In the order of their bytes in the file.
    public var tensors: [StoredTensor]

    public subscript(name: String) -> StoredTensor? { tensors.first { $0.name == name } }
}

public enum SafeTensors {
    /// The reference reader's limit on the header's size.
    public static let maximumHeaderSize = 100_000_000

    public static func read(_ data: Data) throws(SafeTensorsError) -> SafeTensorsFile {
        try data.withUnsafeBytes { raw in Result { () throws(SafeTensorsError) in try read(raw) } }.get()
    }

    public static func read(_ bytes: [UInt8]) throws(SafeTensorsError) -> SafeTensorsFile {
        try bytes.withUnsafeBytes { raw in Result { () throws(SafeTensorsError) in try read(raw) } }.get()
    }

    /// Reads the file in place: its megabytes of weights are copied once, into the tensors.
    private static func read(_ bytes: UnsafeRawBufferPointer) throws(SafeTensorsError) -> SafeTensorsFile {
        guard bytes.count >= 8 else {
            throw SafeTensorsError("file is too short for a safetensors file (\(bytes.count) bytes, the header length alone takes 8)")
        }
        let headerLength = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard headerLength <= UInt64(maximumHeaderSize) else {
            // Text or another format starts with printable bytes: say so rather than quote a huge number.
            let looksLikeText = bytes.prefix(8).allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x0A || $0 == 0x09 }
            throw SafeTensorsError(looksLikeText
                ? "not a safetensors file (it starts with text); header length \(headerLength) is over the limit of \(maximumHeaderSize) bytes"
                : "header length \(headerLength) is over the limit of \(maximumHeaderSize) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= bytes.count else {
            throw SafeTensorsError("header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerBytes = Array(bytes[8..<dataStart])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw SafeTensorsError("header is not valid UTF-8")
        }
        let header: JSONValue
        do {
            header = try JSONParser.parse(headerBytes)
        } catch {
            throw SafeTensorsError("header is not valid JSON: \(error.message)")
        }
        let (metadata, entries) = try readHeader(header)
        try checkLayout(entries, dataSize: bytes.count - dataStart)
        let tensors = entries.map { decode($0, from: bytes, dataStart: dataStart) }
        return SafeTensorsFile(metadata: metadata, tensors: tensors)
    }

    /// A tensor as the header describes it; offsets are relative to the data area.
    private struct Entry {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    private static func readHeader(_ header: JSONValue) throws(SafeTensorsError) -> ([String: String], [Entry]) {
        guard case .object(let members) = header else {
            throw SafeTensorsError("header is \(header.kindName), not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try readMetadata(value)
            } else {
                entries.append(try readEntry(name: key, value))
            }
        }
        return (metadata, entries)
    }

    private static func readMetadata(_ value: JSONValue) throws(SafeTensorsError) -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var metadata: [String: String] = [:]
            for (key, value) in members {
                guard case .string(let text) = value else {
                    throw SafeTensorsError("__metadata__ value \(quoted(key)) is \(value.kindName), not a string")
                }
                metadata[key] = text
            }
            return metadata
        default:
            throw SafeTensorsError("__metadata__ is \(value.kindName), not an object of strings")
        }
    }

    private static func readEntry(name: String, _ value: JSONValue) throws(SafeTensorsError) -> Entry {
        let tensor = "tensor \(quoted(name))"
        guard case .object(let fields) = value else {
            throw SafeTensorsError("\(tensor) is described by \(value.kindName), not an object")
        }
        // Unknown fields are ignored, as the reference reader ignores them.
        func field(_ key: String) throws(SafeTensorsError) -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw SafeTensorsError("\(tensor) has no \"\(key)\"")
            }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw SafeTensorsError("\(tensor) has a dtype that is not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw SafeTensorsError("\(tensor) has dtype \(quoted(dtypeName)); only F32, F16 and BF16 can be loaded")
        }
        guard case .array(let dims) = try field("shape"),
              case let shape = dims.compactMap(\.nonNegativeInteger), shape.count == dims.count
        else {
            throw SafeTensorsError("\(tensor) has a shape that is not a list of non-negative integers")
        }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger
        else {
            throw SafeTensorsError("\(tensor) has data_offsets that are not two non-negative integers [begin, end]")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// Sorted by offset, the tensors must tile the data area exactly, and each
    /// one's byte length must be its element count times its dtype's size.
    private static func checkLayout(_ entries: [Entry], dataSize: Int) throws(SafeTensorsError) {
        var nextByte = 0
        for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            let tensor = "tensor \(quoted(entry.name))"
            let offsets = "data_offsets [\(entry.begin), \(entry.end)]"
            guard entry.end >= entry.begin else {
                throw SafeTensorsError("\(tensor) has \(offsets), which end before they begin")
            }
            guard entry.begin == nextByte else {
                let how = entry.begin < nextByte ? "overlap the tensor before it" : "leave a gap after the tensor before it"
                throw SafeTensorsError("\(tensor) has \(offsets), which \(how) (expected to begin at \(nextByte))")
            }
            guard entry.end <= dataSize else {
                throw SafeTensorsError("\(tensor) has \(offsets), past the end of the data (\(dataSize) bytes)")
            }
            guard let count = checkedProduct(entry.shape),
                  case let (byteCount, overflow) = count.multipliedReportingOverflow(by: entry.dtype.byteSize), !overflow
            else {
                throw SafeTensorsError("\(tensor) has shape \(entry.shape), too large to count")
            }
            guard entry.end - entry.begin == byteCount else {
                throw SafeTensorsError("\(tensor) has \(entry.end - entry.begin) bytes, but shape \(entry.shape) of \(entry.dtype.rawValue) needs \(byteCount)")
            }
            nextByte = entry.end
        }
        guard nextByte == dataSize else {
            throw SafeTensorsError("the tensors end at byte \(nextByte) of the data, but the file has \(dataSize) data bytes")
        }
    }

    private static func decode(_ entry: Entry, from bytes: UnsafeRawBufferPointer, dataStart: Int) -> StoredTensor {
        let start = dataStart + entry.begin
        let size = entry.dtype.byteSize
        let count = (entry.end - entry.begin) / size
        precondition(start >= 0 && start + count * size <= bytes.count, "the entry was checked to lie in the data")
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            guard count > 0, let base = bytes.baseAddress else { initialized = 0; return }
            let source = base + start
            func halfBits(_ i: Int) -> UInt16 { UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            switch entry.dtype {
            case .f32:
                #if _endian(little)
                // Little-endian IEEE floats are already the machine's: one copy of the bytes.
                UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: source, byteCount: 4 * count)
                #else
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                #endif
            case .f16:
                for i in 0..<count { out[i] = float(fromFloat16Bits: halfBits(i)) }
            case .bf16:
                for i in 0..<count { out[i] = float(fromBFloat16Bits: halfBits(i)) }
            }
            initialized = count
        }
        return StoredTensor(name: entry.name, dtype: entry.dtype, tensor: Tensor(shape: entry.shape, values: values))
    }

    /// Writes a file the reference reader accepts: `__metadata__` first (keys
    /// sorted), tensors sorted by name, the header padded with spaces to a
    /// multiple of 8 bytes. F16 and BF16 round to nearest (ties to even).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                             as dtype: SafeTensorsDType = .f32) -> [UInt8] {
        let sorted = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        precondition(Set(sorted.map(\.name)).count == sorted.count && !sorted.contains { $0.name == "__metadata__" },
                     "tensor names must be distinct and not __metadata__")

        var fields: [String] = []
        if !metadata.isEmpty {
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let pairs = keys.map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in sorted {
            let end = offset + tensor.count * dtype.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        bytes.append(contentsOf: header)
        for (_, tensor) in sorted {
            for value in tensor.values {
                switch dtype {
                case .f32: appendLittleEndian(value.bitPattern, to: &bytes)
                case .f16: appendLittleEndian(float16Bits(value), to: &bytes)
                case .bf16: appendLittleEndian(bfloat16Bits(value), to: &bytes)
                }
            }
        }
        return bytes
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        for i in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
}

/// The product of the sizes, or nil when it overflows (multiplied left to
/// right, as the reference reader does).
func checkedProduct(_ sizes: [Int]) -> Int? {
    var product = 1
    for size in sizes {
        let (next, overflow) = product.multipliedReportingOverflow(by: size)
        if overflow { return nil }
        product = next
    }
    return product
}
