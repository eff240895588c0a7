import Foundation
import ModelFile
import RNNCore
import Testing
import Trace
@testable import TutorUI

@Suite struct CellGridTests {
    @Test func textIsClippedAndWideCharactersAreNeverCutInHalf() {
        var grid = CellGrid(width: 8, height: 2)
        #expect(grid.put("hello world", x: 1, y: 0) == 7)
        #expect(grid.line(0) == " hello w")
        grid.put("ab中文", x: 3, y: 1)
        #expect(grid.line(1) == "   ab中 ")   // 文 would need columns 8–9
        #expect(grid[6, 1].text == "")        // the second half of 中
        grid.put("x\u{7}y", x: 0, y: 1)
        #expect(grid.line(1).hasPrefix("x�y"))
        #expect(grid.text == " hello w\nx�yab中")
    }

    @Test func drawingOutsideTheGridIsHarmless() {
        var grid = CellGrid(width: 3, height: 1)
        grid.put("abc", x: -2, y: 0)
        grid.put("zzz", x: 0, y: 5)
        grid.fill(Rect(x: 2, y: -1, width: 9, height: 9), with: "#")
        #expect(grid.line(0) == "c #")
        #expect(CellGrid(width: 0, height: 0).text == "")
        let negative = CellGrid(width: -4, height: 2)
        #expect(negative.width == 0 && negative.text == "\n")
    }

    @Test func barsHaveEighthsAndAnASCIIFallback() {
        #expect(Bar.text(0.5, width: 4, ascii: false) == "██")
        #expect(Bar.text(0.53125, width: 4, ascii: false) == "██▏")
        #expect(Bar.text(0.5, width: 4, ascii: true) == "##")
        #expect(Bar.text(.nan, width: 4, ascii: false) == "")
        #expect(Bar.text(7, width: 3, ascii: true) == "###")
    }

    @Test func theLogScaleSpansWholeDecades() throws {
        let scale = try #require(LogScale(values: [0, 3e-4, 0.02, 5, .nan]))
        #expect(scale.lowDecade == -4 && scale.highDecade == 1)
        #expect(abs(scale.position(1e-2) - 0.4) < 1e-6)
        #expect(scale.position(0) == 0 && scale.position(.infinity) == 1)
        #expect(LogScale(values: [0, .nan]) == nil)
    }
}

@Suite struct PanelTests {
    static let model = try! Model.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models/lstm.safetensors").path)

    static func trace() throws -> SentenceTrace {
        try SentenceTrace.compute(model: model, input: .text("i dare say she will come ."), lossStep: 5)
    }

    @Test func thePredictionPanelListsTheTopWordsWithBars() throws {
        let t = try Self.trace()
        var grid = CellGrid(width: 40, height: 8)
        PredictionPanel.draw(t, step: 1, in: grid.bounds, on: &grid, options: RenderOptions(ascii: true))
        let lines = grid.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Prediction after \"dare\"")
        #expect(lines[2].hasPrefix("say") && lines[2].hasSuffix("%"))
        #expect(lines.count == 7)
    }

    @Test func unknownWordsAreShownApartFromTheRankedWords() throws {
        let model = Self.model
        let unk = try #require(model.unknownID)
        let t = try SentenceTrace.compute(model: model, input: .text("she was not sure that he would come ."))
        // A step where the trace itself ranks <unk> among its top five (lesson 1's lab sentence has several).
        let step = try #require(t.steps.indices.first { t.steps[$0].top.contains { $0.id == unk } })
        let unkProbability = try #require(t.steps[step].top.first { $0.id == unk }?.probability)
        var grid = CellGrid(width: 50, height: 9)
        PredictionPanel.draw(t, step: step, unknown: (unk, model.vocabulary), in: grid.bounds, on: &grid, options: RenderOptions(ascii: true))
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let words = lines[2..<7].map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(words.count == 5 && !words.contains("<unk>") && words.allSatisfy { !$0.isEmpty }, "\(lines)")
        #expect(lines[7].trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(lines[8].hasPrefix("other <unk>") && lines[8].hasSuffix(String(format: "%5.1f%%", unkProbability * 100)), "\(lines)")
        // The five known words are the most likely ones after <unk>, in order.
        let known = t.ranked(at: step, count: 5, apart: unk).ranked
        #expect(known.map { model.vocabulary[$0.id] } == words)
        #expect(zip(known, known.dropFirst()).allSatisfy { $0.probability >= $1.probability })
        // The trace (what `trace` exports) is unchanged: <unk> stays in its top five.
        #expect(t.steps[step].top.count == 5)
    }

    @Test func theHiddenStatePanelScrollsUnitsAndSaysSo() throws {
        let t = try Self.trace()
        var grid = CellGrid(width: 30, height: 12)
        HiddenStatePanel.draw(t, step: 3, firstUnit: 4, in: grid.bounds, on: &grid, options: RenderOptions(color: false))
        let lines = grid.line(1)
        #expect(lines.contains("units 5–14 of 128"))
        #expect(grid.line(2).hasPrefix("  5 "))
        // The value column shows h of the current word for that unit.
        #expect(grid.line(2).trimmingCharacters(in: .whitespaces).hasSuffix(Numbers.value(t.steps[3].hidden[4])))
    }

    @Test func theGradientPanelRevealsTheSweepFromTheLossBackward() throws {
        let t = try Self.trace()
        var full = CellGrid(width: 40, height: 10), partial = full
        GradientPanel.draw(t, revealedFrom: 0, in: full.bounds, on: &full, options: RenderOptions())
        GradientPanel.draw(t, revealedFrom: 4, in: partial.bounds, on: &partial, options: RenderOptions())
        #expect(full.line(0).hasPrefix("Gradient ‖∂L/∂hₜ‖"))
        // Word 1's column has a bar only once the sweep has reached it.
        let plotRows = 2..<9
        let column = 6
        #expect(plotRows.contains { full[column, $0].text != " " })
        #expect(plotRows.allSatisfy { partial[column, $0].text == " " })
    }

    @Test func theGatesPanelShowsEachCellsGatesAndTheRNNsSlope() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models")
        for (cell, names) in [("lstm", ["i", "f", "g", "o", "c"]), ("gru", ["r", "z", "n"]), ("rnn", ["s"])] {
            let model = try Model.load(path: folder.appendingPathComponent("\(cell).safetensors").path)
            let t = try SentenceTrace.compute(model: model, input: .text("i dare say"))
            var grid = CellGrid(width: 60, height: 9)
            GatesPanel.draw(t, step: 2, firstUnit: 0, in: grid.bounds, on: &grid, options: RenderOptions(color: false, ascii: true))
            let rows = (2..<(2 + names.count)).map { String(grid.line($0).prefix(1)) }
            #expect(rows == names, "\(cell)")
            #expect(grid.line(0).contains("\"say\""))
        }
    }

    @Test(arguments: [(1, 1), (20, 6), (80, 24), (200, 60)])
    func panelsDrawAtAnySizeWithinTheirRect(width: Int, height: Int) throws {
        let t = try Self.trace()
        // Each panel draws into the middle of a larger grid: nothing may land outside its rect.
        let rect = Rect(x: 3, y: 2, width: width, height: height)
        func outside(_ draw: (inout CellGrid) -> Void) -> Int {
            var grid = CellGrid(width: width + 6, height: height + 4)
            draw(&grid)
            var count = 0
            for y in 0..<grid.height {
                for x in 0..<grid.width where !(rect.x..<rect.maxX).contains(x) || !(rect.y..<rect.maxY).contains(y) {
                    if grid[x, y] != .blank { count += 1 }
                }
            }
            return count
        }
        let color = RenderOptions(), ascii = RenderOptions(color: false, ascii: true)
        #expect(outside { PredictionPanel.draw(t, step: 0, in: rect, on: &$0, options: color) } == 0)
        #expect(outside { HiddenStatePanel.draw(t, step: 6, firstUnit: 200, in: rect, on: &$0, options: color) } == 0)
        #expect(outside { GradientPanel.draw(t, revealedFrom: 0, in: rect, on: &$0, options: ascii) } == 0)
        #expect(outside { GatesPanel.draw(t, step: 3, firstUnit: -5, in: rect, on: &$0, options: color) } == 0)
        #expect(outside { TokensPanel.draw(t, step: 6, in: rect, on: &$0, options: ascii) } == 0)
        if width >= 40 && height >= 8 {
            var grid = CellGrid(width: width, height: height)
            GradientPanel.draw(t, revealedFrom: 0, in: grid.bounds, on: &grid, options: color)
            #expect(grid.line(0).hasPrefix("Gradient"))
        }
    }
}
