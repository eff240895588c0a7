import Foundation
import RNNCore
import Testing
@testable import ModelFile

/// A model file is never trusted: however its bytes are damaged, loading ends
/// in a model or in one clear error, never a trap or a hang.
@Suite struct MutationTests {
    @Test(arguments: [(SafeTensorsDType.f32, UInt64(1)), (.f16, 2), (.bf16, 3)])
    func damagedFilesLoadOrFailCleanly(dtype: SafeTensorsDType, seed: UInt64) throws {
        let model = smallModel(cell: .gru, layers: 2, hidden: 2)
        let valid = [UInt8](try model.encoded(as: dtype))
        let headerEnd = 8 + Int(valid[0]) + Int(valid[1]) << 8
        var random = SeededRandom(seed: seed)
        var loaded = 0, refused = 0
        for _ in 0..<2_500 {
            let damaged = mutate(valid, headerEnd: headerEnd, using: &random)
            do {
                _ = try Model.load(data: Data(damaged), path: "m.safetensors")
                loaded += 1
            } catch {
                #expect(error.message.hasPrefix("m.safetensors: ") && !error.message.contains("\n"), "\(error.message)")
                refused += 1
            }
        }
        // Both outcomes happen: data bytes flip to other weights, header bytes break the file.
        #expect(loaded > 50 && refused > 500, "loaded \(loaded), refused \(refused)")
    }

    private func mutate(_ bytes: [UInt8], headerEnd: Int, using random: inout SeededRandom) -> [UInt8] {
        var out = bytes
        func position(headerOnly: Bool = false) -> Int {
            Int(random.next() % UInt64(headerOnly ? headerEnd : out.count))
        }
        switch random.next() % 8 {
        case 0, 1:  // flip a few bits, mostly in the header where meaning lives
            for _ in 0...(random.next() % 3) { out[position(headerOnly: random.next() % 4 != 0)] ^= UInt8(1 << (random.next() % 8)) }
        case 2:  // a header byte replaced by a JSON-significant character
            let tokens = Array("{}[]\",:0123456789-eE.\\ ntfu".utf8)
            out[8 + Int(random.next() % UInt64(headerEnd - 8))] = tokens[Int(random.next() % UInt64(tokens.count))]
        case 3:  // truncate
            out.removeLast(Int(random.next() % UInt64(out.count)) + 1)
        case 4:  // delete a range
            let start = position(), length = Int(random.next() % 16) + 1
            out.removeSubrange(start..<min(out.count, start + length))
        case 5:  // splice in a copy of another part of the file
            let from = position(), length = Int(random.next() % 24) + 1
            let chunk = Array(out[from..<min(out.count, from + length)])
            out.insert(contentsOf: chunk, at: position())
        case 6:  // a random header length
            let length = random.next() % 4 == 0 ? random.next() : random.next() % UInt64(out.count + 16)
            out.replaceSubrange(0..<8, with: littleEndian(length))
        default:  // random bytes written over a stretch
            let start = position()
            for i in start..<min(out.count, start + Int(random.next() % 8) + 1) { out[i] = UInt8(truncatingIfNeeded: random.next()) }
        }
        return out
    }
}
