import Foundation
import Testing
@testable import TutorUI

/// The key tables: no key does two things on one screen, the reserved keys stay free,
/// and the README documents exactly what is bound.
@Suite struct KeymapTests {
    @Test(arguments: Keymap.Mode.allCases) func noKeyIsBoundTwiceOrReserved(_ mode: Keymap.Mode) {
        let keys = Keymap.bindings(mode).flatMap(\.keys)
        for (i, key) in keys.enumerated() {
            #expect(!keys[..<i].contains(key), "\(Keymap.name(key)) is bound twice in the \(mode) table")
            #expect(!Keymap.reserved.contains(key), "\(Keymap.name(key)) is reserved but bound in the \(mode) table")
        }
        let actions = Keymap.bindings(mode).map(\.action)
        #expect(Set(actions).count == actions.count, "an action has two lines in the \(mode) table")
    }

    /// Each README table is the generated one, row for row: every documented key is bound,
    /// every binding is documented. `RNN_TUTOR_RECORD_README=1` rewrites the tables.
    @Test func theReadmeTablesAreTheKeymap() throws {
        let url = UpdateAndViewTests.root.appendingPathComponent("README.md")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        for mode in Keymap.Mode.allCases {
            let marker = try #require(lines.firstIndex(of: "<!-- keys: \(mode.rawValue) -->"), "README has no \(mode) table")
            let start = marker + 2   // a blank line, then the table
            var end = start
            while end < lines.count && lines[end].hasPrefix("|") { end += 1 }
            let documented = lines[start..<end]
            let generated = Keymap.markdownTable(mode).components(separatedBy: "\n")
            if ProcessInfo.processInfo.environment["RNN_TUTOR_RECORD_README"] == "1" {
                lines.replaceSubrange(start..<end, with: generated)
            } else {
                #expect(Array(documented) == generated, "README's \(mode) table differs from the keymap; expected:\n\(generated.joined(separator: "\n"))")
            }
        }
        if ProcessInfo.processInfo.environment["RNN_TUTOR_RECORD_README"] == "1" {
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Tests press actions by name, as a learner presses the key the help shows for them.
    @Test func actionsPressedByNameDoWhatTheHelpSays() throws {
        var s = try UpdateAndViewTests.state()
        _ = s.press(.down)
        _ = s.press(.open)
        #expect(s.screen.kind == .lesson && s.selectedLesson == 1)
        _ = s.press(.nextWord)
        #expect(s.lessonSession!.cursorWord == 1)
        _ = s.press(.chooseGRU)
        #expect(s.model?.cell == .gru)
        _ = s.press(.editSentence)
        #expect(s.keymapMode == .editor)
        _ = s.press(.keepSentence)
        _ = s.press(.help)
        let firstLine = try #require(Keymap.helpLines(.lesson).first)
        #expect(s.showHelp && view(s).text.contains(firstLine))
        _ = update(&s, .key(.character("z")))   // any key closes help
        _ = s.press(.back)
        #expect(s.screen.kind == .course)
    }
}

extension TutorState {
    /// Presses the first key bound to `action` on the current screen.
    mutating func press(_ action: Action) -> [Effect] {
        guard let key = Keymap.key(for: action, in: keymapMode) else {
            Issue.record("\(action) is not bound on the \(keymapMode) screen")
            return []
        }
        return update(&self, .key(key))
    }
}
