import Course
import Foundation
import Practice
import ProgressStore
import Testing

/// `quiz --plain`, `review --plain`, `stats`, `export` and `restore` as a learner or a script runs
/// them: the real binary, answers piped into standard input, a temporary data folder.
@Suite struct PracticeCommandTests {
    static let lessons = BinaryRunner.packageRoot.appendingPathComponent("lessons").path
    static let course = try! CoursePack.load(directory: lessons)

    final class DataFolder {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        var data: String { url.appendingPathComponent("data").path }
        func store() -> ProgressStore { ProgressStore.open(directory: URL(fileURLWithPath: data)).store }
    }

    func run(_ arguments: [String], _ folder: DataFolder, input: String? = nil) async throws -> BinaryRunner.Outcome {
        try await BinaryRunner.run(arguments + ["--data-dir", folder.data], input: input, seconds: 120)
    }

    /// The line that answers `question` rightly (or, with `right: false`, wrongly) in the plain format.
    static func answerLine(_ question: QuizQuestion, right: Bool) -> String {
        switch question.kind {
        case .single(let options):
            let index = options.firstIndex { $0.isCorrect == right }!
            return "\(index + 1)"
        case .multiple(let options):
            let correct = options.indices.filter { options[$0].isCorrect }
            return (right ? correct : [correct[0]] + options.indices.filter { !options[$0].isCorrect }.prefix(1))
                .map { "\($0 + 1)" }.joined(separator: ",")
        case .trueFalse(let answer, _):
            return answer == right ? "t" : "f"
        case .number(let answer, let tolerance):
            return String(right ? answer : answer + tolerance + 1000)
        case .order(let items):
            let shown = QuizMarking.shownOrder(question)
            let positions = (0..<items.count).map { shown.firstIndex(of: $0)! + 1 }
            return (right ? positions : positions.reversed()).map(String.init).joined(separator: " ")
        }
    }

    @Test func aLessonQuizIsMarkedScoredRetriedAndSaved() async throws {
        let folder = try DataFolder()
        let questions = Self.course.questions(for: "recurrent-cell")
        #expect(questions.count >= 4)
        // Every other question wrong; an unreadable line before the first answer.
        var lines = ["not an answer"]
        for (i, question) in questions.enumerated() { lines.append(Self.answerLine(question, right: i % 2 == 1)) }
        let missed = questions.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        lines.append("y")
        for question in missed { lines.append(Self.answerLine(question, right: true)) }
        let outcome = try await run(["quiz", "2", "--plain", "--lessons", Self.lessons], folder,
                                    input: lines.joined(separator: "\n") + "\n")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let out = outcome.standardOutput
        #expect(out.contains("Question 1 of \(questions.count) (The recurrent cell)") || out.contains("Question 1 of \(questions.count) ("))
        #expect(out.contains("Cannot read “not an answer”: "))
        #expect(out.contains("Score: \(questions.count - missed.count) of \(questions.count)."))
        #expect(out.contains("Retry the \(missed.count) missed questions? (y/n)"))
        #expect(out.contains("Retry score: \(missed.count) of \(missed.count)."))
        #expect(out.components(separatedBy: "Wrong.").count - 1 == missed.count)
        // Every explanation is shown after its answer; a wrong single choice shows its `why`.
        #expect(questions.allSatisfy { out.contains(Inline.parse($0.explanation).plainText) })
        if case .single(let options) = missed[0].kind, let why = options.first(where: { !$0.isCorrect })?.why {
            #expect(out.contains("Why not: \(Inline.parse(why).plainText)"))
        }

        let store = folder.store()
        let log = try store.reviewLog()
        #expect(log.count == questions.count + missed.count)
        #expect(log.allSatisfy { $0.kind == "quiz" && $0.lesson == "recurrent-cell" })
        #expect(log.filter(\.correct).count == questions.count - missed.count + missed.count)
        let progress = try store.snapshot(course: Self.course, now: Date()).lessons["recurrent-cell"]
        // The retry is practice: the score kept is the first pass.
        #expect(progress?.lastScore == QuizScore(correct: questions.count - missed.count, total: questions.count))
    }

    @Test func theEndOfInputEndsTheQuizAndKeepsTheAnswers() async throws {
        let folder = try DataFolder()
        let questions = Self.course.questions(for: "sequences")
        let input = [Self.answerLine(questions[0], right: true), Self.answerLine(questions[1], right: false)].joined(separator: "\n")
        let outcome = try await run(["quiz", "sequences", "--plain", "--lessons", Self.lessons], folder, input: input)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("Input ended. 1 right so far; your answers are saved."))
        let store = folder.store()
        #expect(try store.reviewLog().map(\.item) == [questions[0].id, questions[1].id])
        #expect(try store.snapshot(course: Self.course, now: Date()).lessons["sequences"]?.lastScore == nil)
    }

    @Test func theMixedReviewDrawsFromSeveralLessons() async throws {
        let folder = try DataFolder()
        let stopped = try await run(["quiz", "--plain", "--count", "12", "--lessons", Self.lessons], folder, input: "q\n")
        #expect(stopped.status == 0)
        #expect(stopped.standardOutput.hasPrefix("Mixed review: 12 questions."))
        #expect(stopped.standardOutput.contains("Stopped. 0 right so far"))
        // Lines that some kind of question accepts, over and over: each question is answered within one cycle.
        let cycle = ["1", "t", "1 2", "1 2 3", "1 2 3 4", "1 2 3 4 5", "1 2 3 4 5 6"]
        let input = Array(repeating: cycle, count: 14).flatMap { $0 }.joined(separator: "\n") + "\n"
        let outcome = try await run(["quiz", "--plain", "--count", "12", "--lessons", Self.lessons], folder, input: input)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("Score: "))
        let store = folder.store()
        let log = try store.reviewLog()
        #expect(log.count == 12 && Set(log.map(\.item)).count == 12)
        #expect(Set(log.map(\.lesson)).count >= 2)
        // A mixed round counts as a round, but as no lesson's score.
        let stats = try store.stats(course: Self.course, now: Date())
        #expect(stats.quizRounds == 1)
        #expect(stats.snapshot.lessons.values.allSatisfy { $0.lastScore == nil })
    }

    @Test func badArgumentsAreOneLine() async throws {
        let folder = try DataFolder()
        for arguments in [["quiz", "2"], ["quiz", "99", "--plain"], ["review"], ["restore", "1999-01-01"]] {
            let outcome = try await run(arguments + ["--lessons", Self.lessons].filter { _ in arguments[0] != "restore" }, folder)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(arguments): \(outcome.standardError)")
        }
    }

    /// The new-cards allowance is a setting the learner can change; a review then introduces that many.
    @Test func newCardsPerDayIsASettingTheReviewHonours() async throws {
        let folder = try DataFolder()
        let set = try await run(["settings", "--new-cards-per-day", "3"], folder)
        #expect(set.status == 0 && set.standardOutput.contains("new cards per day: 3"), "\(set.standardError)")
        #expect(try folder.store().newCardsPerDay() == 3)
        #expect(try folder.store().dueCards(course: Self.course, now: Date()).count == 3)
        let bad = try await run(["settings", "--new-cards-per-day=-1"], folder)
        #expect(bad.status == 2 && bad.standardError.contains("0 to 1000"))
        #expect(try folder.store().newCardsPerDay() == 3)
    }

    @Test func aReviewShowsTheButtonsAndSavesEveryGrade() async throws {
        let folder = try DataFolder()
        let started = Date()
        let outcome = try await run(["review", "--plain", "--lessons", Self.lessons], folder,
                                    input: "\n3\n\n7\n1\n\n4\n")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let out = outcome.standardOutput
        #expect(out.hasPrefix("Review: 10 cards."))   // today's new cards: 10 a day
        let first = Self.course.flashcards[0]
        #expect(out.contains("Front: \(Inline.parse(first.front).plainText)"))
        #expect(out.contains("Back: \(Inline.parse(first.back).plainText)"))
        #expect(out.contains("Grade: 1 again (1m), 2 hard (6m), 3 good (10m), 4 easy ("))
        #expect(out.contains("Cannot read “7”: grade with 1, 2, 3 or 4"))
        #expect(out.contains("Reviewed 3 cards: 1 again, 0 hard, 1 good, 1 easy."))
        #expect(out.contains("7 cards are still due today."))
        let log = try folder.store().reviewLog()
        #expect(log.map(\.grade) == [.good, .again, .easy])
        #expect(log.map(\.interval?.label) == ["10m", "1m", log[2].interval?.label])

        let stats = try await run(["stats", "--lessons", Self.lessons], folder)
        #expect(stats.status == 0)
        #expect(stats.standardOutput.contains("reviews today: 3 cards, 0 quiz answers"))
        // The card graded Again comes back after 1 minute; on a loaded machine that minute may have passed.
        let dueNow = Date().timeIntervalSince(started) < 60 ? ["0"] : ["0", "1"]
        #expect(dueNow.contains { stats.standardOutput.contains("cards due now: \($0), new today: 7, cards started: 3 of \(Self.course.flashcards.count)") },
                "\(stats.standardOutput)")
        let row = stats.standardOutput.split(separator: "\n").first { $0.hasPrefix("1  sequences") }
        #expect(row != nil, "\(stats.standardOutput)")

        let csv = try await run(["export"], folder)
        #expect(csv.status == 0)
        let rows = csv.standardOutput.components(separatedBy: "\r\n")
        #expect(rows[0] == "time,kind,item,lesson,grade,answer,correct,interval_days,interval_seconds,duration_ms")
        #expect(rows.count == 5 && rows[4] == "")
        #expect(rows[1].contains(",card,\(first.id),\(first.lessonID),3,,1,,600,"))
        let file = folder.url.appendingPathComponent("log.csv").path
        let written = try await run(["export", "--output", file], folder)
        #expect(written.status == 0 && written.standardOutput.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == csv.standardOutput)
    }

    /// SIGKILL in the middle of a review: every grade given before it is in the file.
    @Test func killingAReviewLosesNoGrade() async throws {
        let folder = try DataFolder()
        let script = """
            set -u
            mkfifo "$1/in"
            "$2" review --plain --data-dir "$1/data" --lessons "$3" < "$1/in" > "$1/out" 2> "$1/err" &
            pid=$!
            exec 3> "$1/in"
            printf '\\n3\\n\\n1\\n\\n4\\n\\n' >&3
            i=0
            while ! grep -q "Card 4 of" "$1/out"; do
                i=$((i + 1)); if [ $i -gt 300 ]; then echo "never reached card 4"; break; fi
                sleep 0.1
            done
            kill -9 $pid
            wait $pid
            echo "status $?"
            exec 3>&-
            """
        let outcome = try await ChildProcess.run("/bin/sh", ["-c", script, "sh", folder.url.path, BinaryRunner.executable, Self.lessons],
                                                 seconds: 60)
        #expect(outcome.standardOutput.contains("status 137"), "\(outcome.standardOutput) \(outcome.standardError)")
        let printed = try String(contentsOfFile: folder.url.appendingPathComponent("out").path, encoding: .utf8)
        #expect(printed.contains("Card 4 of 10") && !printed.contains("Reviewed"))
        let store = folder.store()
        #expect(try store.reviewLog().map(\.grade) == [.good, .again, .easy])
    }

    /// Two processes writing to one data folder at the same time, one transaction per answer.
    @Test func twoProcessesAtOnceLoseNothing() async throws {
        let folder = try DataFolder()
        let script = """
            "$1" store-drive --count 200 --tag one --data-dir "$2" &
            a=$!
            "$1" store-drive --count 200 --tag two --data-dir "$2" &
            b=$!
            wait $a; sa=$?
            wait $b; sb=$?
            echo "$sa $sb"
            """
        let outcome = try await ChildProcess.run("/bin/sh", ["-c", script, "sh", BinaryRunner.executable, folder.data], seconds: 120)
        #expect(outcome.standardOutput == "0 0\n", "\(outcome.standardOutput) \(outcome.standardError)")
        #expect(outcome.standardError.isEmpty, "\(outcome.standardError)")
        let items = try folder.store().reviewLog().map(\.item)
        #expect(items.count == 400)
        #expect(Set(items) == Set((0..<200).flatMap { ["one-\($0)", "two-\($0)"] }))
    }

    @Test func backupsAreListedAndRestored() async throws {
        let folder = try DataFolder()
        let none = try await run(["restore", "--list"], folder)
        #expect(none.status == 0 && none.standardOutput.hasPrefix("No backups in "))
        // A finished session makes the day's backup.
        _ = try await run(["review", "--plain", "--lessons", Self.lessons], folder, input: "\n3\n")
        let list = try await run(["restore"], folder)
        let line = try #require(list.standardOutput.split(separator: "\n").first.map(String.init))
        let date = String(line.prefix(10))
        #expect(line.contains("progress-\(date).sqlite"))
        _ = try await run(["review", "--plain", "--lessons", Self.lessons], folder, input: "\n4\n")
        #expect(try folder.store().reviewLog().count == 2)
        let restored = try await run(["restore", date], folder)
        #expect(restored.status == 0, "\(restored.standardError)")
        #expect(restored.standardOutput.contains("Restored progress-\(date).sqlite."))
        #expect(restored.standardOutput.contains("progress.sqlite.before-restore-"))
        #expect(try folder.store().reviewLog().count == 1)
    }

    @Test func aDamagedFileIsReportedAndReplaced() async throws {
        let folder = try DataFolder()
        try FileManager.default.createDirectory(atPath: folder.data, withIntermediateDirectories: true)
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: folder.data + "/progress.sqlite"))
        let outcome = try await run(["stats", "--lessons", Self.lessons], folder)
        #expect(outcome.status == 0)
        #expect(outcome.standardError.hasPrefix("rnn-tutor: \(folder.data)/progress.sqlite is not a SQLite database; moved it aside as progress.sqlite.corrupt-"))
        #expect(outcome.standardError.contains("no good backup, so progress starts empty"))
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }

    @Test func anUnwritableFolderStillQuizzes() async throws {
        let folder = try DataFolder()
        let blocker = folder.url.appendingPathComponent("file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let question = Self.course.questions(for: "sequences")[0]
        let outcome = try await BinaryRunner.run(["quiz", "1", "--plain", "--lessons", Self.lessons, "--data-dir", blocker + "/data"],
                                                 input: Self.answerLine(question, right: true) + "\n", seconds: 120)
        #expect(outcome.status == 0)
        #expect(outcome.standardError.hasPrefix("rnn-tutor: cannot save progress in \(blocker)/data"))
        #expect(outcome.standardOutput.contains("Right."))
    }
}
