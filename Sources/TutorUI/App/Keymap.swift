/// Every key the tutor answers, in one table per screen and mode. The screens dispatch
/// on the action a key is bound to; the help overlay, the status-line hints, the README's
/// key tables and the tests' `press` all read these tables, so they cannot disagree.
public enum Action: String, Sendable, CaseIterable {
    // Anywhere (but the sentence editor and a typed answer, which take every character).
    case help, quit
    // Lists and text.
    case up, down, pageUp, pageDown, first, last
    case open, back
    // The lesson.
    case nextWord, previousWord, firstWord, lastWord, selectLink, followLink, switchFocus, cycleDepth, editSentence
    case chooseRNN, chooseLSTM, chooseGRU, cycleCell, lossEarlier, lossLater, backwardSweep, overlay, scaleUp, scaleDown
    case lessonQuiz, mixedQuiz, reviewCards, experiment, race, explorer, faq
    // The lab's instruments (Screens/InstrumentKeys.swift).
    case jacobianPanel, cycleLayer, findUnit, spanStart, spanEnd, searchUnit, write, stopWriting, keepWritten, cooler, warmer, fewerCandidates, moreCandidates
    // Lab tasks (predict, then watch the network): from a lesson, from a quiz's feedback, and in the task.
    case openTask, redoTask, nextTask
    // The sentence editor.
    case moveCursor, deleteCharacter, traceSentence, keepSentence
    // The quiz.
    case chooseOption, tick, answerTrue, answerFalse, answer, nextQuestion, retryMissed
    // The review.
    case showAnswer, gradeAgain, gradeHard, gradeGood, gradeEasy
    // The experiments.
    case shorterSequence, longerSequence, moreSteps, fewerSteps, nextSeed, train, oneStep, clipping
}

/// One line of a key table: the keys, what they do, and the words the help and README show.
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String

    public init(_ keys: [Key], _ action: Action, _ help: String) {
        self.keys = keys
        self.action = action
        self.help = help
    }

    /// "↑ k", "Enter → l": the keys as the learner reads them.
    public var keyLabel: String { keys.map(Keymap.name).joined(separator: " ") }
}

public enum Keymap {
    /// The screens and modes that have a table of their own.
    public enum Mode: String, Sendable, CaseIterable {
        case course, lesson, editor, writer, finder, quiz, review, race, explorer, faqList, faqAnswer, task
    }

    /// Keys kept free for features to come: no table binds them.
    public static let reserved: [Key] = []

    private static func c(_ characters: String) -> [Key] { characters.map { .character($0) } }
    private static let digits: [Key] = (1...9).map { .character(Character(String($0))) }

    public static func bindings(_ mode: Mode) -> [Binding] {
        switch mode {
        case .course: return [
            Binding([.up] + c("k"), .up, "the lesson above"),
            Binding([.down] + c("j"), .down, "the lesson below"),
            Binding([.home], .first, "the first lesson"),
            Binding([.end], .last, "the last lesson"),
            Binding([.enter, .right] + c("l"), .open, "open the chosen lesson"),
            Binding(c("t"), .lessonQuiz, "quiz on the chosen lesson"),
            Binding(c("m"), .mixedQuiz, "mixed quiz across the course"),
            Binding(c("r"), .reviewCards, "review the flashcards due"),
            Binding(c("x"), .race, "the adding race (RNN, LSTM, GRU)"),
            Binding(c("v"), .explorer, "the gradient explorer"),
            Binding(c("f"), .faq, "questions and answers (FAQ)"),
            Binding([.escape], .back, "nothing: this is the first screen (q quits)"),
            Binding(c("?"), .help, "this help"),
            Binding(c("q") + [.controlC], .quit, "quit"),
        ]
        case .lesson: return [
            Binding([.right] + c("l"), .nextWord, "step a word forward"),
            Binding([.left] + c("h"), .previousWord, "step a word back"),
            Binding([.home], .firstWord, "the first word"),
            Binding([.end], .lastWord, "the last word"),
            Binding([.up] + c("k"), .up, "scroll up (text, or units)"),
            Binding([.down] + c("j"), .down, "scroll down"),
            Binding([.pageUp], .pageUp, "scroll the text a page up"),
            Binding([.pageDown], .pageDown, "scroll the text a page down"),
            Binding(c("g"), .selectLink, "select the next link"),
            Binding([.enter], .followLink, "follow the selected link"),
            Binding([.tab], .switchFocus, "focus text ↔ panels"),
            Binding(c("d"), .cycleDepth, "depth of the text"),
            Binding(c("e"), .editSentence, "edit the sentence"),
            Binding(c("1"), .chooseRNN, "the RNN"),
            Binding(c("2"), .chooseLSTM, "the LSTM"),
            Binding(c("3"), .chooseGRU, "the GRU"),
            Binding(c("c"), .cycleCell, "cycle the cell"),
            Binding(c("["), .lossEarlier, "the loss a word earlier"),
            Binding(c("]"), .lossLater, "the loss a word later"),
            Binding(c("b"), .backwardSweep, "the backward sweep"),
            Binding(c("o"), .overlay, "overlay all the cells"),
            Binding(c("+="), .scaleUp, "W_hh scale +0.25 (to 4)"),
            Binding(c("-"), .scaleDown, "W_hh scale −0.25 (to 0)"),
            Binding(c("J"), .jacobianPanel, "the Jacobian panel to the front (again: away)"),
            Binding(c("w"), .write, "the network writes on from the cursor's word"),
            Binding(c("u"), .findUnit, "find the unit that follows a span of the sentence"),
            Binding(c("L"), .cycleLayer, "the next layer of a stacked model"),
            Binding(c("p"), .openTask, "the next lab task: predict, then watch"),
            Binding(c("t"), .lessonQuiz, "quiz on this lesson"),
            Binding(c("r"), .reviewCards, "the lesson's cards due"),
            Binding(c("x"), .experiment, "the lesson's experiment"),
            Binding(c("v"), .explorer, "the gradient explorer"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "back (where you came from)"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .editor: return [
            Binding([.left, .right, .home, .end], .moveCursor, "move the cursor"),
            Binding([.backspace, .delete], .deleteCharacter, "delete a character"),
            Binding([.enter], .traceSentence, "trace the new sentence"),
            Binding([.escape], .keepSentence, "keep the old sentence"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .finder: return [
            Binding([.right] + c("l"), .nextWord, "step a word forward"),
            Binding([.left] + c("h"), .previousWord, "step a word back"),
            Binding([.home], .firstWord, "the first word"),
            Binding([.end], .lastWord, "the last word"),
            Binding(c("["), .spanStart, "the span starts at the cursor's word"),
            Binding(c("]"), .spanEnd, "the span ends at the cursor's word"),
            Binding([.up] + c("k"), .up, "the unit above in the ranking"),
            Binding([.down] + c("j"), .down, "the unit below"),
            Binding([.enter], .searchUnit, "search the held-out text for the chosen unit"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q") + c("u"), .back, "close find the unit"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .writer: return [
            Binding(c("w"), .write, "write again from the same words"),
            Binding(c(" "), .stopWriting, "stop writing"),
            Binding([.enter], .keepWritten, "keep the written sentence as the lab's"),
            Binding(c("t"), .cooler, "a lower temperature (0: greedy)"),
            Binding(c("T"), .warmer, "a higher temperature (to 2)"),
            Binding(c("k"), .fewerCandidates, "fewer candidate words (top-k)"),
            Binding(c("K"), .moreCandidates, "more candidate words (top-k, to all)"),
            Binding(c("n"), .nextSeed, "the next seed, then write again"),
            Binding([.right] + c("l"), .nextWord, "step a word forward"),
            Binding([.left] + c("h"), .previousWord, "step a word back"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "stop, and back to the sentence before"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .quiz: return [
            Binding([.up] + c("k"), .up, "the option above; scroll the feedback"),
            Binding([.down] + c("j"), .down, "the option below; scroll the feedback"),
            Binding([.pageUp], .pageUp, "scroll the feedback a page up"),
            Binding([.pageDown], .pageDown, "scroll the feedback a page down"),
            Binding(digits, .chooseOption, "choose that option (several answers: tick it)"),
            Binding(c(" "), .tick, "tick (several answers), pick up or put down (order), else answer"),
            Binding(c("t"), .answerTrue, "answer True"),
            Binding(c("f"), .answerFalse, "answer False"),
            Binding([.enter], .answer, "answer, then the next question"),
            Binding([.right], .nextQuestion, "the next question (after the feedback)"),
            Binding(c("r"), .retryMissed, "retry the missed questions (at the end)"),
            Binding(c("p"), .openTask, "after a wrong answer: the lab task that shows why"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "stop the quiz (answers are kept)"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .review: return [
            Binding(c(" ") + [.enter], .showAnswer, "show the answer"),
            Binding(c("1"), .gradeAgain, "Again: forgotten"),
            Binding(c("2"), .gradeHard, "Hard: recalled with effort"),
            Binding(c("3"), .gradeGood, "Good: recalled"),
            Binding(c("4"), .gradeEasy, "Easy: recalled at once"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "stop (grades are kept)"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .race: return [
            Binding([.left], .shorterSequence, "a shorter sequence T"),
            Binding([.right], .longerSequence, "a longer sequence T"),
            Binding(c("+="), .moreSteps, "more training steps"),
            Binding(c("-"), .fewerSteps, "fewer training steps"),
            Binding(c("n"), .nextSeed, "the next seed"),
            Binding([.enter], .train, "start the race (again)"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "stop the run, then back"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .faqList: return [
            Binding([.up], .up, "the question above"),
            Binding([.down], .down, "the question below"),
            Binding([.pageUp], .pageUp, "a page of questions up"),
            Binding([.pageDown], .pageDown, "a page of questions down"),
            Binding([.home], .first, "the first question"),
            Binding([.end], .last, "the last question"),
            Binding([.enter], .open, "read the answer"),
            Binding([.backspace], .deleteCharacter, "remove a letter (letters filter the questions)"),
            Binding(c("?"), .help, "this help (with an empty filter)"),
            Binding([.escape], .back, "clear the filter, then back"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .faqAnswer: return [
            Binding([.up] + c("k"), .up, "scroll the answer up"),
            Binding([.down] + c("j"), .down, "scroll the answer down"),
            Binding([.pageUp], .pageUp, "a page up"),
            Binding([.pageDown] + c(" "), .pageDown, "a page down"),
            Binding(c("g"), .selectLink, "select the next link"),
            Binding([.enter], .followLink, "follow the link (Esc comes back)"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q") + [.left, .backspace] + c("h"), .back, "back to the questions"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .task: return [
            Binding([.up] + c("k"), .up, "the option above; a power of ten up"),
            Binding([.down] + c("j"), .down, "the option below; a power of ten down"),
            Binding(digits, .chooseOption, "choose that option"),
            Binding([.enter], .answer, "commit to your prediction (then: the next task)"),
            Binding(c("r"), .redoTask, "do the task again"),
            Binding(c("pn"), .nextTask, "the next task"),
            Binding([.pageUp], .pageUp, "scroll the task a page up"),
            Binding([.pageDown], .pageDown, "scroll the task a page down"),
            Binding([.tab], .switchFocus, "task ↔ panels (narrow window)"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "leave: your own sentence, cell and settings come back"),
            Binding([.controlC], .quit, "quit"),
        ]
        case .explorer: return [
            Binding(c("1"), .chooseRNN, "the RNN"),
            Binding(c("2"), .chooseLSTM, "the LSTM"),
            Binding(c("3"), .chooseGRU, "the GRU"),
            Binding(c("+="), .scaleUp, "W_hh scale +0.25 (to 4)"),
            Binding(c("-"), .scaleDown, "W_hh scale −0.25 (to 0.25)"),
            Binding(c("c"), .clipping, "clipping on / off"),
            Binding([.left], .shorterSequence, "a shorter sequence T"),
            Binding([.right], .longerSequence, "a longer sequence T"),
            Binding([.enter], .train, "train (again: go on, or a new seed)"),
            Binding(c("s"), .oneStep, "one training step"),
            Binding(c("?"), .help, "this help"),
            Binding([.escape] + c("q"), .back, "stop the run, then back"),
            Binding([.controlC], .quit, "quit"),
        ]
        }
    }

    /// The action `key` is bound to in `mode`.
    public static func action(for key: Key, in mode: Mode) -> Action? {
        bindings(mode).first { $0.keys.contains(key) }?.action
    }

    /// The first key bound to `action` in `mode` (what a test presses).
    public static func key(for action: Action, in mode: Mode) -> Key? {
        bindings(mode).first { $0.action == action }?.keys.first
    }

    /// "↑", "Enter", "Space", "k": a key as the help and the README name it.
    public static func name(_ key: Key) -> String {
        switch key {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .controlC: "Ctrl-C"
        }
    }

    /// The help overlay's lines for a table: keys, then what they do.
    public static func helpLines(_ mode: Mode) -> [String] {
        let labels = bindings(mode).map { $0.action == .chooseOption ? "1 … 9" : $0.keyLabel }
        let width = labels.map(\.count).max() ?? 0
        return zip(labels, bindings(mode)).map { label, binding in
            label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + binding.help
        }
    }

    /// A status-line hint: each group of actions by its first keys, then what it does
    /// ("↑ ↓ 1 … 9 choose · Enter answers").
    public static func hint(_ mode: Mode, _ parts: [([Action], String)]) -> String {
        let table = bindings(mode)
        return parts.map { actions, text in
            let keys = actions.compactMap { action in
                action == .chooseOption ? "1 … 9" : table.first { $0.action == action }?.keys.first.map(name)
            }
            return (keys + [text]).joined(separator: " ")
        }.joined(separator: " · ")
    }

    /// A table as the README shows it (Markdown), one row per binding.
    public static func markdownTable(_ mode: Mode) -> String {
        var rows = ["| Keys | What they do |", "|---|---|"]
        for binding in bindings(mode) {
            let label = binding.action == .chooseOption ? "1 … 9" : binding.keyLabel
            rows.append("| \(label.replacingOccurrences(of: "|", with: "\\|")) | \(binding.help) |")
        }
        return rows.joined(separator: "\n")
    }
}

extension TutorState {
    /// The table the next key is read against.
    public var keymapMode: Keymap.Mode {
        switch screen {
        case .course: return .course
        case .lesson(let lesson):
            if lesson.task != nil { return .task }
            if lesson.editor != nil { return .editor }
            return lesson.instruments.writer != nil ? .writer : lesson.instruments.finder != nil ? .finder : .lesson
        case .quiz: return .quiz
        case .review: return .review
        case .experiment(let experiment): return experiment.kind == .explorer ? .explorer : .race
        case .faq(let faq): return faq.reading == nil ? .faqList : .faqAnswer
        }
    }

    /// The action the key stands for on the current screen.
    func action(for key: Key) -> Action? { Keymap.action(for: key, in: keymapMode) }
}
