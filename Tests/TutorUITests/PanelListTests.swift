import Course
import Foundation
import Testing
@testable import TutorUI

/// A panel is added in three places: its file under Panels/, its case in `LabPreset.Panel`
/// (where the panels are listed), and FORMAT.md's list of panel names. This keeps the last two
/// equal and checks that the tutor draws every panel it lists.
@Suite struct PanelListTests {
    @Test func formatListsExactlyThePanelsTheTutorDraws() throws {
        let format = try String(contentsOf: UpdateAndViewTests.root.appendingPathComponent("lessons/FORMAT.md"), encoding: .utf8)
        let line = try #require(format.split(separator: "\n").first { $0.hasPrefix("Panel names:") })
        let names = line.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(names == LabPreset.Panel.allCases.map(\.rawValue))
        // Every panel on one big LSTM screen, found by what it draws.
        var s = try UpdateAndViewTests.fixtureState(width: 200, height: 60)
        _ = s.press(.down)
        _ = s.press(.open)
        _ = s.press(.chooseLSTM)
        let text = view(s).text
        var front = s   // the Jacobian panel is drawn once `J` brings it to the front
        _ = front.press(.jacobianPanel)
        let frontText = view(front).text
        for panel in LabPreset.Panel.allCases {
            if panel == .jacobian {
                #expect(frontText.contains("σ_max per word"), "\(panel)")
                continue
            }
            let drawn: String = switch panel {
            case .tokens: "Sentence (LSTM"
            case .hidden: "Hidden state hₜ (LSTM)"
            case .gates: "LSTM gates at"
            case .cell: "│ c  "   // the cell state's row, under the gates
            case .prediction: "Prediction after"
            case .gradient: "Gradient ‖∂L/∂hₜ‖ and ‖∂L/∂cₜ‖"
            case .jacobian: ""
            }
            #expect(text.contains(drawn), "\(panel)")
        }
    }
}
