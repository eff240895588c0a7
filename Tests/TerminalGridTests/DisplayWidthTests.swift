import Testing
@testable import TerminalGrid

/// The shortcuts `put` takes for every cell of every frame give the answers the Unicode
/// property lookups give.
@Suite struct DisplayWidthTests {
    /// The width from the properties alone, as `displayWidth` worked before its shortcuts.
    static func widthByProperties(_ scalar: Unicode.Scalar) -> Int {
        if scalar.value < 0x300 { return 1 }
        let category = scalar.properties.generalCategory
        if category == .nonspacingMark || category == .enclosingMark { return 1 }
        return scalar.properties.isEmojiPresentation ? 2 : displayWidth(of: Character(scalar))
    }

    @Test func theSymbolRangesAreOneColumnAsThePropertiesSay() {
        for value in Array(0x2000...0x22FF) + Array(0x2400...0x25FC) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(displayWidth(of: Character(scalar)) == 1 && Self.widthByProperties(scalar) == 1, "U+\(String(value, radix: 16))")
        }
        // Just outside them, emoji keep their two columns.
        #expect(displayWidth(of: "⌚") == 2 && displayWidth(of: "◽") == 2 && displayWidth(of: "⭐") == 2)
        #expect(displayWidth(of: "▆") == 1 && displayWidth(of: "░") == 1 && displayWidth(of: "─") == 1 && displayWidth(of: "◆") == 1)
    }

    @Test func controlCharactersAreExactlyCategoryCc() {
        for value in 0..<0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(Character(scalar).isControlCharacter == (scalar.properties.generalCategory == .control), "U+\(String(value, radix: 16))")
        }
    }
}
