import Course
import Foundation
import Lab
import ModelFile
import Practice
import ProgressStore
import Testing
@testable import TutorUI

/// Lab tasks in the tutor, on the fixture pack (Fixtures/lessons/01-reading.tasks.yaml) and its models:
/// `p` opens a task, the learner commits, the action plays out in the panels, the verdict follows,
/// and Esc gives the learner's own lab back.
@Suite struct TaskScreenTests {
    static let cells = ["rnn", "lstm", "gru"]

    /// The fixture tutor with the models' file hashes, as TutorCommand loads them.
    static func state(cells: [String] = cells, width: Int = 140, height: Int = 45) throws -> TutorState {
        let labModels = try cells.map {
            try LabModel.load(path: UpdateAndViewTests.fixtures.appendingPathComponent("models/\($0).safetensors").path)
        }
        let course = try CoursePack.load(directory: UpdateAndViewTests.fixtures.appendingPathComponent("lessons").path)
        return TutorState(course: course, models: labModels.map(\.model), modelHashes: labModels.map(\.fileHash), width: width,
                          height: height, ascii: false, color: true)
    }

    /// What `rnn-tutor task --plain` would run and log for this task on the same models.
    static func plainRun(_ id: String, cells: [String] = cells) throws -> TaskRun {
        let s = try state(cells: cells)
        let task = try #require(s.course.task(id: id))
        let models = LabModels(try cells.map {
            try LabModel.load(path: UpdateAndViewTests.fixtures.appendingPathComponent("models/\($0).safetensors").path)
        })
        return try TaskRun.run(task, models: models, preset: s.course.lesson(id: task.lessonID)?.lab.sentence)
    }

    /// Ticks until the action is over (a ceiling, never reached when the action ends).
    static func watch(_ s: inout TutorState) {
        for _ in 0..<400 where s.lessonSession?.task?.isActing == true { _ = update(&s, .tick) }
    }

    @Test func aSweepTaskHidesTheBarsUntilTheCommitThenMarksTheStepAndEscRestoresTheLab() throws {
        var s = try Self.state()
        _ = update(&s, .key(.enter))   // lesson 1, the RNN on its preset sentence
        // The learner's own lab: the GRU, two words on, the scale turned, the loss a word earlier.
        for key: Key in [.character("3"), .right, .right, .character("+"), .character("[")] { _ = update(&s, .key(key)) }
        let own = try #require(s.lessonSession)
        _ = s.press(.openTask)
        let session = try #require(s.lessonSession?.task)
        #expect(session.task.id == "reading-task-sweep" && s.keymapMode == .task)
        #expect(s.model?.cell == .rnn && s.lab.lossWord == 12 && s.lab.cursorWord == 12 && s.lab.whhScale == 1)
        let hidden = try #require(s.lab.sweepFrom)
        for _ in 0..<30 { _ = update(&s, .tick) }
        #expect(s.lab.sweepFrom == hidden, "the bars stay hidden while the learner predicts")
        #expect(view(s).text.contains("Your prediction:") && view(s).text.contains("[10^0]"))

        for _ in 0..<4 { _ = s.press(.down) }
        #expect(s.lessonSession?.task?.choice == -4)
        let effects = s.press(.answer)
        let plain = try Self.plainRun("reading-task-sweep")
        let logged = plain.mark(.power(-4))
        guard case .record(.taskAnswer(let task, let lesson, let answer, let correct, _, _))? = effects.first else {
            Issue.record("the commit records no task answer: \(effects)")
            return
        }
        #expect(task == "reading-task-sweep" && lesson == "reading" && answer == logged.logText && correct == logged.correct)
        #expect(answer.contains("fnv1a64:") && !answer.contains("unhashed"))
        #expect(s.lessonSession?.task?.isActing == true)
        _ = update(&s, .tick)
        #expect(s.lab.sweepFrom != nil && s.lab.sweepFrom! <= hidden, "the sweep runs once committed")
        Self.watch(&s)
        #expect(s.lab.sweepFrom == nil && s.lessonSession?.task?.verdict == logged)
        #expect(s.lab.cursorWord == 1, "the cursor marks the step measured (\"cat\")")
        let screen = view(s).text
        #expect(screen.contains(logged.correct ? "✓ Right." : "✗ Not this time."))
        #expect(screen.contains("Measured: " + TaskText.measured(plain)) && screen.contains("word 2, “cat”"))
        #expect(s.status.hasPrefix(logged.summary))

        _ = s.press(.back)
        #expect(s.lessonSession?.task == nil && s.screen.kind == .lesson && s.lessonSession == own)
        #expect(s.model?.cell == .gru && s.lab.trace?.cell == .gru && s.lab.sweepFrom == nil)
    }

    @Test func theCursorWalksTheToggleSwitchesAndRedoAndNextMoveOn() throws {
        var s = try Self.state()
        s.progress.lessons["reading", default: LessonProgress()].tasksAnsweredRight = ["reading-task-sweep"]
        _ = update(&s, .key(.enter))
        _ = s.press(.openTask)   // the next task not yet right
        #expect(s.lessonSession?.task?.task.id == "reading-task-step" && s.lab.cursorWord == 0)
        _ = update(&s, .key(.character("1")))   // yes
        _ = s.press(.answer)
        var walked: Set<Int> = []
        for _ in 0..<100 where s.lessonSession?.task?.isActing == true {
            _ = update(&s, .tick)
            walked.insert(s.lab.cursorWord)
        }
        #expect(walked == [0, 1, 2, 3] && s.lab.cursorWord == 3)
        let plain = try Self.plainRun("reading-task-step")
        #expect(s.lessonSession?.task?.verdict == plain.mark(.yes(true)))

        _ = s.press(.redoTask)
        #expect(s.lessonSession?.task?.task.id == "reading-task-step" && s.lessonSession?.task?.phase == .predicting && s.lab.cursorWord == 0)
        _ = s.press(.nextTask)
        #expect(s.lessonSession?.task?.task.id == "reading-task-toggle" && s.model?.cell == .rnn && !s.lab.overlay)
        _ = update(&s, .key(.character("2")))
        _ = s.press(.answer)
        #expect(s.model?.cell == .lstm && s.lab.gradientGhost != nil, "the toggle shows the LSTM with the RNN's bars as a ghost")
        Self.watch(&s)
        #expect(s.lessonSession?.task?.verdict == (try Self.plainRun("reading-task-toggle")).mark(.option(1)))
        #expect(s.lab.cursorWord == 7)
        _ = s.press(.answer)   // Enter after the verdict: the next task, round to the first
        #expect(s.lessonSession?.task?.task.id == "reading-task-sweep" && s.status.contains("the last task"))
    }

    @Test func aNarrowWindowShowsThePanelsForTheActionAndTabShowsTheVerdict() throws {
        var s = try Self.state(width: 80, height: 24)
        _ = update(&s, .key(.enter))
        _ = s.press(.openTask)
        #expect(s.lab.focus == .text && view(s).text.contains("Lab task 1 of 3"))
        _ = s.press(.answer)
        #expect(s.lab.focus == .panels && view(s).text.contains("Sentence (RNN"))
        Self.watch(&s)
        #expect(s.status.contains("Tab the explanation"))
        _ = s.press(.switchFocus)
        #expect(view(s).text.contains("Measured: "))
        _ = s.press(.back)
        #expect(s.lab.focus == .text && s.lessonSession?.task == nil)
    }

    @Test func theScaleTurnsAQuarterAtATimeWithTheOldBarsAsAGhost() throws {
        var s = try Self.state()
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "gradient" })
        _ = s.press(.open)
        _ = s.press(.openTask)
        #expect(s.lessonSession?.task?.task.id == "gradient-task-quarter-whh" && !s.lab.overlay && s.lab.whhScale == 1)
        for _ in 0..<6 { _ = s.press(.down) }
        _ = s.press(.answer)
        var scales: [Float] = []
        for _ in 0..<100 where s.lessonSession?.task?.isActing == true {
            _ = update(&s, .tick)
            if scales.last != s.lab.whhScale { scales.append(s.lab.whhScale) }
            #expect(s.lab.gradientGhost != nil)
        }
        #expect(scales == [1, 0.75, 0.5, 0.25])
        let plain = try Self.plainRun("gradient-task-quarter-whh")
        #expect(s.lessonSession?.task?.verdict == plain.mark(.power(-6)))
        #expect(s.lab.cursorWord == 0)
        // "Measured: 5.17e-07 (log10 -6.29); before 1.25e-08, after 6.47e-15", wrapped in the card.
        #expect(view(s).text.contains("Measured: " + TaskText.measured(plain).components(separatedBy: ";")[0] + "; before"))
    }

    @Test func ctrlCInATaskKeepsTheLearnersOwnPlaceNotTheTasks() throws {
        var s = try Self.state()
        _ = update(&s, .key(.enter))
        _ = s.press(.nextWord)
        _ = s.press(.nextWord)
        _ = s.press(.openTask)
        #expect(s.lab.cursorWord == 12)
        let effects = update(&s, .key(.controlC))
        #expect(s.quit && effects.contains(.record(.lab(lesson: "reading", word: 2, cell: "rnn", sentence: nil))))
    }

    @Test func aTaskWhoseModelIsNotLoadedSaysSoAndIsSkipped() throws {
        var s = try Self.state(cells: ["rnn"])
        s.progress.lessons["reading", default: LessonProgress()].tasksAnsweredRight = ["reading-task-sweep", "reading-task-step"]
        _ = update(&s, .key(.enter))
        _ = s.press(.openTask)
        #expect(s.lessonSession?.task?.task.id == "reading-task-sweep")
        #expect(s.status.contains("skipped: task 3 needs an LSTM model, and none is loaded"))
    }

    @Test func aWrongAnswerOffersTheTaskItsQuestionNamesAndEscComesBackToTheQuiz() throws {
        var s = try Self.state()
        _ = update(&s, .key(.enter))
        _ = s.press(.lessonQuiz)
        let quiz = try #require(s.quiz)
        let index = try #require(quiz.round.questions.firstIndex { $0.seeTask?.id == "reading-task-step" })
        s.quiz?.index = index
        _ = s.press(.answerFalse)   // the statement is true
        #expect(s.quiz?.mark?.correct == false)
        #expect(view(s).text.contains("press p for the lab task") && s.status.contains("p shows why in the lab"))
        _ = s.press(.openTask)
        #expect(s.screen.kind == .lesson && s.lessonSession?.task?.task.id == "reading-task-step" && s.lessonSession?.task?.tasks.count == 1)
        _ = update(&s, .key(.character("2")))
        _ = s.press(.answer)
        Self.watch(&s)
        _ = s.press(.nextTask)   // the only task: back to the quiz
        #expect(s.screen.kind == .quiz && s.lessonSession?.task == nil && s.quiz?.mark?.correct == false)
        #expect(s.quiz?.taskResults["reading-task-step"] != nil)
        #expect(s.quiz != nil)
        _ = s.press(.answer)
        #expect(s.quiz?.index == index + 1)
    }

    @Test func theMixedReviewDoesTasksBetweenItsQuestions() throws {
        var s = try Self.state()
        s.now = Date(timeIntervalSince1970: 1_800_000_000)
        _ = update(&s, .quizHistory([:]))
        let quiz = try #require(s.quiz)
        #expect(quiz.labTasks.count == 2 && quiz.labTasks.keys.allSatisfy { $0 < quiz.round.questions.count - 1 })
        let (after, task) = try #require(quiz.labTasks.min { $0.key < $1.key })
        s.quiz?.index = after
        _ = update(&s, .key(.character("t")))   // any answer; then Enter moves on
        _ = update(&s, .key(.character("1")))
        _ = update(&s, .key(.enter))
        if s.quiz?.mark == nil { _ = update(&s, .key(.enter)) }
        _ = s.press(.answer)
        #expect(s.screen.kind == .lesson && s.lessonSession?.task?.task.id == task.id)
        _ = s.press(.back)
        #expect(s.screen.kind == .quiz && s.quiz?.index == after + 1 && s.quiz?.mark == nil)
    }

    @Test func anAnswerReachesTheStoreAndTheCourseScreenCountsIt() throws {
        var s = try Self.state()
        let store = try ProgressStore.inMemory(timeZone: TimeZone(identifier: "UTC")!)
        s.now = Date(timeIntervalSince1970: 1_800_000_000)
        s.progress = try store.snapshot(course: s.course, now: s.now)
        var tutor = TutorDriver(s, book: store)
        advance(&tutor, .key(.enter))
        advance(&tutor, .key(.character("p")))
        for _ in 0..<4 { advance(&tutor, .key(.down)) }
        advance(&tutor, .key(.enter))
        let log = try store.reviewLog()
        let entry = try #require(log.last)
        #expect(entry.kind == "task" && entry.item == "reading-task-sweep" && entry.correct)
        #expect(tutor.progress.lessons["reading"]?.tasksRight == 1 && tutor.progress.lessons["reading"]?.tasksAnsweredRight == ["reading-task-sweep"])
        for _ in 0..<200 where tutor.state.lessonSession?.task?.isActing == true { advance(&tutor, .tick) }
        advance(&tutor, .key(.escape))
        advance(&tutor, .key(.escape))
        #expect(tutor.state.screen.kind == .course && view(tutor).text.contains("tasks 1/3"))
    }
}

extension TutorState {
    /// The lesson screen's session (an empty one elsewhere), for reading the lab in these tests.
    var lab: LessonSession { lessonSession ?? LessonSession() }
}
