import Course
import Testing
@testable import TutorUI

/// Figures, objectives and recaps as the lesson column lays them out.
@Suite struct TeachingBlockLayoutTests {
    static let figure = Block.figure(title: "The chain", picture: ["x₁ ──▶ [h₁] ──▶ [h₂] ──▶ out", "  ▲"],
                                     ascii: ["x1 --> [h1] --> [h2] --> out", "  ^"])

    @Test func aFigureIsDrawnAsWrittenAndNeverReflowed() {
        let lines = TextLayout.lines([Self.figure], width: 40, ascii: false).map(\.text)
        // Not indented: a figure may be as wide as the text column beside the panels.
        #expect(lines == ["Figure: The chain", "x₁ ──▶ [h₁] ──▶ [h₂] ──▶ out", "  ▲", ""])
        // Too narrow a column cuts the lines; the drawing keeps its rows.
        let narrow = TextLayout.lines([Self.figure], width: 12, ascii: false).map(\.text)
        #expect(narrow.dropFirst(2).prefix(2) == ["x₁ ──▶ [h₁] ", "  ▲"])
    }

    @Test func asciiModeDrawsTheHandWrittenASCIIVersion() {
        let lines = TextLayout.lines([Self.figure], width: 40, ascii: true).map(\.text)
        #expect(lines == ["Figure: The chain", "x1 --> [h1] --> [h2] --> out", "  ^", ""])
        #expect(lines.joined().unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func objectivesAndRecapHaveTheirOwnHeadingsAndMarks() {
        let blocks: [Block] = [.objectives([[.text("Trace one step")], [.text("Name the gates")]]),
                               .recap([[.text("One.")], [.text("Two.")], [.text("Three.")]])]
        #expect(TextLayout.lines(blocks, width: 40, ascii: false).map(\.text) == [
            "In this lesson you will learn to", "• Trace one step", "• Name the gates", "",
            "Recap", "✓ One.", "✓ Two.", "✓ Three.", "",
        ])
        let ascii = TextLayout.lines(blocks, width: 40, ascii: true).map(\.text)
        #expect(ascii.contains("* Two.") && ascii.contains("- Name the gates"))
        let styles = TextLayout.lines(blocks, width: 40, ascii: false).map { $0.runs.first?.style }
        #expect(styles[0]?.bold == true && styles[4]?.bold == true)
    }
}
