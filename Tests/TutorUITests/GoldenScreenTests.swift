import Foundation
import Testing
@testable import TutorUI

/// Whole screens, drawn without a terminal and compared with the text in
/// `Golden/`. A change to a screen shows up here as a line-by-line difference;
/// when the change is meant, `RNN_TUTOR_RECORD_GOLDEN=1 swift test --filter
/// GoldenScreenTests` writes the files anew (review them with `git diff`). Each screen
/// has two files: its text (`name.txt`) and its styles (`name.style.txt`, see `StyleMask`).
@Suite struct GoldenScreenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let recording = ProcessInfo.processInfo.environment["RNN_TUTOR_RECORD_GOLDEN"] == "1"

    struct Screen: CustomTestStringConvertible, Sendable {
        var name: String, width: Int, height: Int, ascii = false
        /// On the shipped course and models (a deliberate smoke test: it changes when they do);
        /// otherwise on the fixture pack, which changes only when a test wants it to.
        var shipped = false
        var keys: [Key]
        /// Timer beats after the keys (an animation played to its end).
        var ticks = 0
        var testDescription: String { name }
    }

    static let screens: [Screen] = [
        // The shipped course: the list, lesson 4's passage with the RNN's bars left as a ghost behind the
        // LSTM's (fixed axis, loss label, ◆ for c), and lesson 6's deep text beside the GRU.
        Screen(name: "shipped-course-80x24", width: 80, height: 24, shipped: true, keys: []),
        Screen(name: "shipped-lesson4-ghost-200x60", width: 200, height: 60, shipped: true,
               keys: [.down, .down, .down, .enter, .home, .character("2")]),
        Screen(name: "shipped-lesson-gru-deep-200x60", width: 200, height: 60, shipped: true,
               keys: [.down, .down, .down, .down, .down, .enter, .character("d"), .character("d"), .end]),
        // The fixture pack.
        Screen(name: "course-80x24", width: 80, height: 24, keys: []),
        Screen(name: "lesson-text-80x24", width: 80, height: 24, keys: [.enter]),
        Screen(name: "lesson-panels-80x24", width: 80, height: 24, keys: [.enter, .right, .right, .tab]),
        Screen(name: "lesson-lstm-140x45", width: 140, height: 45, keys: [.down, .enter, .right, .right, .right]),
        Screen(name: "lesson-gru-deep-200x60", width: 200, height: 60, keys: [.down, .enter, .character("3"), .character("d"),
                                                                          .character("d"), .end]),
        Screen(name: "overlay-120x40", width: 120, height: 40, keys: [.down, .down, .enter]),
        Screen(name: "ghost-120x40", width: 120, height: 40, keys: [.down, .down, .enter, .character("o"), .home, .character("2")]),
        Screen(name: "editor-120x40", width: 120, height: 40, keys: [.enter, .character("e"), .end] + " sat on a zqxv".map { .character($0) }),
        Screen(name: "help-100x30", width: 100, height: 30, keys: [.enter, .character("?")]),
        Screen(name: "race-setup-100x30", width: 100, height: 30, keys: [.character("x"), .left]),
        Screen(name: "explorer-setup-100x30", width: 100, height: 30, keys: [.character("v"), .character("2"), .character("c")]),
        Screen(name: "help-two-columns-80x24", width: 80, height: 24, keys: [.enter, .character("?")]),
        Screen(name: "ascii-100x30", width: 100, height: 30, ascii: true, keys: [.enter, .right]),
        Screen(name: "ascii-overlay-100x30", width: 100, height: 30, ascii: true, keys: [.down, .down, .enter, .end]),
        // Issue 15's instruments: the Jacobian panel at the front (J), the RNN's and the LSTM's.
        Screen(name: "jacobian-rnn-120x40", width: 120, height: 40, keys: [.down, .down, .enter, .character("o"), .character("J")]),
        Screen(name: "jacobian-lstm-200x60", width: 200, height: 60, keys: [.down, .down, .enter, .character("o"), .character("2"),
                                                                           .character("J"), .character("+"), .home]),
        // The network writing (w) mid-sentence, four words in; find the unit (u) with a span marked.
        Screen(name: "writer-140x45", width: 140, height: 45, keys: [.enter, .right, .right, .right, .character("w")],
               ticks: 4 * WriterSession.pace),
        Screen(name: "finder-140x45", width: 140, height: 45, keys: [.down, .enter, .character("u"), .right, .right, .right,
                                                                    .character("["), .right, .right, .character("]"), .down]),
        Screen(name: "too-small-30x10", width: 30, height: 10, keys: []),
        Screen(name: "quiz-question-100x30", width: 100, height: 30, keys: [.character("t")]),
        Screen(name: "quiz-feedback-100x30", width: 100, height: 30, keys: [.character("t"), .character("1"), .enter]),
        // A lab task's verdict: lesson 1's sweep task, 10^-4 committed, the sweep run, the step measured marked.
        Screen(name: "task-verdict-140x40", width: 140, height: 40,
               keys: [.enter, .character("p"), .down, .down, .down, .down, .enter], ticks: 200),
        // Issue 18's dialogues and FAQ, on the shipped course (the FAQ is the course's own).
        Screen(name: "dialogue-100x30", width: 100, height: 30, shipped: true, keys: [.down, .down, .down, .down, .down, .enter,
                                                                                  .pageDown, .pageDown, .pageDown]),
        Screen(name: "dialogue-ascii-80x24", width: 80, height: 24, ascii: true, shipped: true,
               keys: [.down, .enter, .pageDown, .pageDown, .pageDown]),
        Screen(name: "faq-list-100x30", width: 100, height: 30, shipped: true, keys: [.character("f")] + "lstm".map { .character($0) }),
        Screen(name: "faq-answer-80x24", width: 80, height: 24, shipped: true,
               keys: [.character("f"), .down, .down, .down, .enter, .character("g")]),
    ]

    @Test(arguments: screens)
    func screenMatchesItsGoldenFile(_ screen: Screen) throws {
        var state = screen.shipped ? try UpdateAndViewTests.state(width: screen.width, height: screen.height)
                                   : try UpdateAndViewTests.fixtureState(width: screen.width, height: screen.height)
        state.ascii = screen.ascii
        for key in screen.keys { _ = update(&state, .key(key)) }
        for _ in 0..<screen.ticks { _ = update(&state, .tick) }
        let frame = view(state)
        // The text, and beside it the style of every cell (as ratatui's test backend compares cells with their styles).
        for (file, drawn) in [(screen.name + ".txt", frame.text), (screen.name + ".style.txt", StyleMask(frame).text)] {
            let url = Self.folder.appendingPathComponent(file)
            if Self.recording {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try drawn.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            guard drawn != expected else { continue }
            let difference = Self.difference(drawn, expected, file: file)
            Issue.record("\(screen.name): \(difference)")
        }
    }

    /// The mask sees what the text cannot: the same characters in another colour.
    @Test func aColourChangeChangesTheStyleMask() {
        var grid = CellGrid(width: 4, height: 1)
        grid.put("ab", x: 0, y: 0, style: Style(foreground: CellPalette.color(.lstm)))
        var recoloured = grid
        recoloured.put("b", x: 1, y: 0, style: Style(foreground: CellPalette.color(.gru)))
        #expect(grid.text == recoloured.text)
        #expect(StyleMask(grid).text == ". plain\na fg 2\n---\naa..\n")
        #expect(StyleMask(recoloured).text == ". plain\na fg 2\nb fg 4\n---\nab..\n")
    }

    static func difference(_ drawn: String, _ expected: String, file: String) -> String {
        let got = drawn.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let differing = (0..<max(got.count, want.count)).filter { i in
            (i < got.count ? got[i] : "") != (i < want.count ? want[i] : "")
        }
        let shown = differing.prefix(5).map { i in
            "line \(i + 1)\n  expected: \(i < want.count ? want[i] : "")\n  drawn:    \(i < got.count ? got[i] : "")"
        }.joined(separator: "\n")
        return "\(differing.count) line(s) differ from Golden/\(file)\n\(shown)"
    }
}

/// A frame's styles as text, one character per cell: a legend of the styles the frame
/// uses (each named by its attributes, lettered in order of first appearance), then the
/// grid of letters. "." is the plain style. A change of colour or emphasis anywhere
/// changes this text, so the golden test fails on it as it does on a changed character.
struct StyleMask {
    let text: String

    static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    init(_ grid: CellGrid) {
        var classes: [Style: Character] = [.plain: "."]
        var legend: [String] = [". plain"]
        var rows: [String] = []
        for y in 0..<grid.height {
            var row = ""
            for x in 0..<grid.width {
                let style = grid[x, y].style
                if classes[style] == nil {
                    let letter = classes.count - 1 < Self.letters.count ? Self.letters[classes.count - 1] : "?"
                    classes[style] = letter
                    legend.append(String(letter) + " " + Self.describe(style))
                }
                row.append(classes[style]!)
            }
            rows.append(row)
        }
        text = (legend + ["---"] + rows).joined(separator: "\n") + "\n"
    }

    static func describe(_ style: Style) -> String {
        func color(_ c: Color) -> String? {
            switch c {
            case .default: nil
            case .indexed(let i): String(i)
            }
        }
        var parts: [String] = []
        if let fg = color(style.foreground) { parts.append("fg \(fg)") }
        if let bg = color(style.background) { parts.append("bg \(bg)") }
        for (on, name) in [(style.bold, "bold"), (style.reverse, "reverse"), (style.dim, "dim"), (style.italic, "italic"),
                           (style.underline, "underline")] where on {
            parts.append(name)
        }
        return parts.joined(separator: " ")
    }
}
