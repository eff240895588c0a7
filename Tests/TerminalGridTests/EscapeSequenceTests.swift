import Testing
import TerminalGrid

@Suite struct EscapeSequenceTests {
    private func codes(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    @Test func homeAndEndInEveryCommonSpelling() {
        for home in ["[1~", "[7~", "[H", "OH"] { #expect(EscapeSequence.decode(codes(home)) == .home, "\(home)") }
        for end in ["[4~", "[8~", "[F", "OF"] { #expect(EscapeSequence.decode(codes(end)) == .end, "\(end)") }
    }

    @Test func arrowsAndPagesAreTheirKeys() {
        #expect(EscapeSequence.decode(codes("[A")) == .up)
        #expect(EscapeSequence.decode(codes("OD")) == .left)
        #expect(EscapeSequence.decode(codes("[5~")) == .pageUp)
        #expect(EscapeSequence.decode(codes("[6~")) == .pageDown)
        #expect(EscapeSequence.decode(codes("[3~")) == .delete)
    }

    @Test func escAloneIsEscape() {
        #expect(EscapeSequence.decode([]) == .escape)
        // A second Esc or a letter right after one is a key of its own, not part of a sequence.
        #expect(!EscapeSequence.canStart(27) && !EscapeSequence.canStart(0x71))
        #expect(EscapeSequence.canStart(0x5B) && EscapeSequence.canStart(0x4F))
    }

    @Test func unknownSequencesAreSwallowedWhole() {
        // F5 with modifiers, a mouse report prefix, an odd SS3: none is a key, none leaks letters.
        #expect(EscapeSequence.decode(codes("[15;2~")) == nil)
        #expect(EscapeSequence.decode(codes("[1;5C")) == nil)
        #expect(EscapeSequence.decode(codes("OP")) == nil)
        #expect(EscapeSequence.decode(codes("x")) == nil)
    }

    @Test func aSequenceIsReadUntilItsFinalByte() {
        #expect(EscapeSequence.isIncomplete([]))
        #expect(EscapeSequence.isIncomplete(codes("[")))
        #expect(EscapeSequence.isIncomplete(codes("[1")))
        #expect(EscapeSequence.isIncomplete(codes("[15;2")))
        #expect(!EscapeSequence.isIncomplete(codes("[1~")))
        #expect(!EscapeSequence.isIncomplete(codes("[H")))
        #expect(EscapeSequence.isIncomplete(codes("O")))
        #expect(!EscapeSequence.isIncomplete(codes("OH")))
        #expect(!EscapeSequence.isIncomplete(codes("q")))
    }
}
