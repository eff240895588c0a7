import Foundation
import Testing

/// The full-screen tutor driven in tmux, as a learner would: keys in, the screen read back.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
struct TutorScreenTests {
    @Test func aLearnerOpensALessonStepsTogglesAndQuits() async throws {
        try await TmuxSession.tutor(width: 140, height: 45) { session in
            try await session.waitFor("Choose a lesson")
            #expect(await session.screen().contains("1. Sequences and why order matters"))
            await session.send("Down", "Enter")
            try await session.waitFor("Sentence (RNN, word 1 of")
            await session.send("Right")
            try await session.waitFor("word 2: \"poured\"")
            await session.send("2")
            try await session.waitFor("Sentence (LSTM")
            #expect(await session.screen().contains("at word 1 ‖∂L/∂h‖ is about 10^"))
            await session.send("b")
            try await session.waitFor("sweep done")
            await session.send("?")
            try await session.waitFor("Keys (any key closes)")
            await session.send("x")
            await session.resize(width: 60, height: 20)
            try await session.waitFor("Tab")
            await session.resize(width: 20, height: 6)
            try await session.waitFor("Make the window")
            await session.resize(width: 140, height: 45)
            try await session.waitFor("Sentence (LSTM")
            await session.send("C-c")
            let exit = try await session.waitForExit()
            #expect(exit.status == 0)
            let after = await session.screen()
            #expect(exit.saneTerminal, "\(after)")
        }
    }

    /// Home and End as some terminals send them (`ESC [1~`, `ESC [4~`), under a TERM whose
    /// terminfo entry does not name them: they are Home and End, not Esc plus letters that
    /// would leave the lesson; an unknown sequence is swallowed whole.
    @Test func homeAndEndSentAsRawSequencesAreHomeAndEnd() async throws {
        try await TmuxSession.tutor(width: 140, height: 45) { session in
            try await session.openLesson(1, until: "Sentence (")
            await session.send("Right", "Right")
            try await session.waitFor("word 3: ")
            await session.type("\u{1b}[1~")
            try await session.waitFor("word 1: ")
            await session.type("\u{1b}[4~")
            try await session.waitFor("word ")
            var waited = 0
            while await session.screen().contains("word 1: "), waited < 100 {   // End moves off word 1
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(!(await session.screen().contains("word 1: ")), "End reached the last word")
            await session.type("\u{1b}[15;2~")   // Shift-F5: no key of the tutor's
            await session.send("Left")
            try await session.waitFor("word ")
            let screen = await session.screen()
            #expect(screen.contains("Sentence ("), "still in the lesson:\n\(screen)")
            #expect(!screen.contains("Choose a lesson"))
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
    }

    /// The learner's own lesson pack and model: the toggle moves among what is
    /// loaded, links are followed and come back, the sentence can be edited.
    @Test func anotherPackAndOwnModelLinksAndTheSentenceEditor() async throws {
        let root = BinaryRunner.packageRoot.path
        let command = "\(BinaryRunner.executable) --lessons \(root)/lessons --model \(root)/models/gru.safetensors"
        try await TmuxSession.with(width: 120, height: 36, command: command, directory: "/") { session in
            try await session.openLesson(1, until: "Sentence (GRU, word 1 of")
            await session.send("1")
            try await session.waitFor("no RNN model is loaded")
            await session.send("g")
            try await session.waitFor("no links at this depth")
            await session.send("d", "g")
            try await session.waitFor("Enter follows it")
            await session.send("Enter")
            try await session.waitFor("Esc goes back to the lesson you came from")
            await session.send("Escape")
            try await session.waitFor("back in \"Sequences and why order matters\"")
            await session.send("e")   // the cursor starts at the end
            await session.type(" zqxv")
            try await session.waitFor("unknown: \"zqxv\"")
            await session.send("Enter")
            try await session.waitFor("1 unknown to the model")
            await session.send("q", "q")
            let exit = try await session.waitForExit()
            let after = await session.screen()
            #expect(exit.status == 0 && exit.saneTerminal, "\(after)")
        }
    }

    /// Progress survives a restart: a quiz answer and a card grade are in the
    /// review log, and the next start resumes the lesson the learner was in.
    @Test func progressIsKeptAndTheNextStartResumes() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let command = "\(BinaryRunner.executable) --data-dir \(data)"
        let root = BinaryRunner.packageRoot.path
        try await TmuxSession.with(width: 120, height: 36, command: command, directory: root) { session in
            try await session.waitFor("Choose a lesson")
            // Read lesson 1 at deep (d d), back to the course: its quiz and new cards are drawn at deep.
            await session.send("Enter")
            try await session.waitFor("basic (d)")
            await session.send("d", "d")
            try await session.waitFor("deep (d)")
            await session.send("q")
            try await session.waitFor("Choose a lesson")
            await session.send("t")
            try await session.waitFor("deep depth · question 1 of")
            await session.send("1", "Enter")   // tick the first option, answer
            try await session.waitFor("Enter: next question")
            await session.send("q")
            try await session.waitFor("every answer given is saved")
            await session.send("r")
            try await session.waitFor("Space shows the answer")
            await session.send("Space")
            try await session.waitFor("3 Good (10m)")
            await session.send("3", "q")
            try await session.waitFor("every grade given is saved")
            await session.send("Down", "Down", "Enter")
            try await session.waitFor("3. Training through time")
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
        try await TmuxSession.with(width: 120, height: 36, command: command, directory: root) { session in
            try await session.waitFor("Back in \"Training through time")
            await session.send("q")
            try await session.waitFor("Choose a lesson")
            #expect(await session.screen().contains("started"))
            await session.send("q")
            #expect(try await session.waitForExit().status == 0)
        }
        let log = try await BinaryRunner.run(["export", "--data-dir", data])
        #expect(log.status == 0)
        let rows = log.standardOutput.split(whereSeparator: \.isNewline)   // CSV lines end in CRLF
        #expect(rows.count == 3, "\(log.standardOutput)")
        #expect(rows.dropFirst().contains { $0.contains("quiz") } && rows.dropFirst().contains { $0.contains("card") })
    }

    /// The race trains live while the screen answers keys; Esc stops it. The
    /// explorer steps one cell and says what its gradient does.
    @Test func theExperimentsRunLiveAndStop() async throws {
        try await TmuxSession.tutor(width: 140, height: 45) { session in
            try await session.waitFor("Choose a lesson")
            await session.send("x")
            try await session.waitFor("The adding race · T = 50")
            await session.send("Left", "Enter")
            try await session.waitFor("Training loss")
            try await session.waitFor("LSTM")
            await session.send("Escape")
            try await session.waitFor("stopped at step")
            await session.send("q", "v")
            try await session.waitFor("Gradient explorer · RNN")
            await session.send("+", "+", "s")
            try await session.waitFor("Step 1:")
            #expect(await session.screen().contains("W_hh × 1.50"))
            await session.send("q", "q")
            let exit = try await session.waitForExit()
            #expect(exit.status == 0 && exit.saneTerminal)
        }
    }

    /// Closing the window (SIGHUP) or a SIGTERM ends the tutor as Ctrl-C does:
    /// the place is saved, the terminal restored, the status is 128 + the signal.
    @Test func aTerminationSignalSavesThePlace() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-term-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let command = "\(BinaryRunner.executable) --data-dir \(data)"
        let root = BinaryRunner.packageRoot.path
        try await TmuxSession.with(width: 120, height: 36, command: command, directory: root) { session in
            try await session.waitFor("Choose a lesson")
            await session.send("Down", "Enter")
            try await session.waitFor("Sentence (", seconds: 60)   // in the lesson (its title is on the course screen too)
            let pattern = "^" + NSRegularExpression.escapedPattern(for: command)
            _ = try await ChildProcess.run("/usr/bin/pkill", ["-TERM", "-f", pattern], seconds: 10)
            let exit = try await session.waitForExit()
            #expect(exit.status == 128 + 15 && exit.saneTerminal)
        }
        try await TmuxSession.with(width: 120, height: 36, command: command, directory: root) { session in
            try await session.waitFor("Back in \"The recurrent cell")
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
    }

    /// A damaged progress file: the tutor starts, says what it did, and keeps saying it on the course screen.
    @Test func aDamagedProgressFileIsReportedOnScreen() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try String(repeating: "not a database at all\n", count: 100).write(to: data.appendingPathComponent("progress.sqlite"),
                                                                          atomically: true, encoding: .utf8)
        let command = "\(BinaryRunner.executable) --data-dir \(data.path)"
        try await TmuxSession.with(width: 120, height: 36, command: command, directory: BinaryRunner.packageRoot.path) { session in
            try await session.waitFor("Choose a lesson")
            try await session.waitFor("moved it aside")
            await session.send("Down")
            try await session.waitFor("moved it aside")   // still there after a key
            await session.send("q")
            #expect(try await session.waitForExit().status == 0)
        }
    }

    /// A broken lesson folder: one line on the terminal, status 2, the terminal untouched.
    @Test func aMissingLessonFolderIsOneClearLine() async throws {
        let command = "\(BinaryRunner.executable) --lessons /no/such/folder"
        try await TmuxSession.with(width: 100, height: 20, command: command, directory: "/") { session in
            let exit = try await session.waitForExit()
            #expect(exit.status == 2 && exit.saneTerminal)
            #expect(await session.screen().contains("/no/such/folder"))
        }
    }

    @Test func withoutATerminalItSaysSoAndPointsToTheSubcommands() async throws {
        let outcome = try await BinaryRunner.run([], workingDirectory: BinaryRunner.packageRoot.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("needs a terminal"))
    }
}

/// A tmux session running one command, polled rather than slept on. Each
/// session has its own tmux server on its own socket, so tests never meet a
/// learner's tmux or each other, and `close` ends the server.
struct TmuxSession {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    let name = "rnn-tutor-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
    /// The session's own progress folder (XDG_DATA_HOME), so tests never touch the learner's.
    var dataHome: String { FileManager.default.temporaryDirectory.appendingPathComponent(name + "-data").path }
    var socket: String { FileManager.default.temporaryDirectory.appendingPathComponent(name + ".sock").path }
    var target: String { name + ":0" }

    init(width: Int, height: Int, command: String, directory: String, environment: [String: String] = [:]) async throws {
        let defaults = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color", "XDG_DATA_HOME": dataHome]
        let settings = (defaults.merging(environment) { $1 })
            .sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let started = try await tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height),
                                      "-c", directory, "env \(settings) \(command); echo \"[exit $?]\"; stty -a; sleep 30"])
        guard started.status == 0 else { throw Failure(what: "tmux could not start: \(started.standardError)") }
    }

    private func tmux(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run("/usr/bin/tmux", ["-S", socket] + arguments, seconds: 10)
    }

    func screen() async -> String { (try? await tmux(["capture-pane", "-p", "-t", target]))?.standardOutput ?? "" }

    func send(_ keys: String...) async { await send(keys) }
    func send(_ keys: [String]) async { _ = try? await tmux(["send-keys", "-t", target] + keys) }

    /// Types text literally (no key names), as a person typing would.
    func type(_ text: String) async { _ = try? await tmux(["send-keys", "-l", "-t", target, text]) }

    func resize(width: Int, height: Int) async {
        _ = try? await tmux(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    struct Failure: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }

    /// Polls the screen until it shows `text`. The wait is a ceiling, not a timing: the debug
    /// build opening a long lesson while the rest of the suite runs can take several seconds.
    func waitFor(_ text: String, seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await screen().contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(what: "timed out waiting for \"\(text)\"; the screen was:\n\(await screen())")
    }

    /// Polls until the program has ended, then returns its exit status and
    /// whether the terminal it left behind is sane (line editing and echo back on,
    /// as `stty -a` reports them after the program).
    func waitForExit() async throws -> (status: Int, saneTerminal: Bool) {
        try await waitFor("[exit ")
        try await waitFor("min = ")   // the end of stty's report
        let text = await screen()
        let statusText = text.components(separatedBy: "[exit ").last?.prefix { $0.isNumber } ?? ""
        let flags = text.components(separatedBy: .whitespacesAndNewlines)
        let sane = flags.contains("icanon") && flags.contains("echo") && flags.contains("icrnl")
            && !flags.contains("-icanon") && !flags.contains("-echo")
        return (Int(statusText) ?? -1, sane)
    }

    func close() async {
        _ = try? await tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
        try? FileManager.default.removeItem(atPath: dataHome)
    }

    /// Runs the tutor built by this package, from the package root (its shipped lessons and models).
    static func tutor(width: Int, height: Int, _ body: (TmuxSession) async throws -> Void) async throws {
        try await with(width: width, height: height, command: BinaryRunner.executable,
                       directory: BinaryRunner.packageRoot.path, body)
    }

    /// From the course screen: opens the `number`th lesson of the list and waits until `text` shows.
    func openLesson(_ number: Int, until text: String) async throws {
        try await waitFor("Choose a lesson")
        await send(Array(repeating: "Down", count: number - 1) + ["Enter"])
        try await waitFor(text)
    }

    /// Runs `body` against a new session and always ends the session after.
    static func with(width: Int, height: Int, command: String, directory: String, environment: [String: String] = [:],
                     _ body: (TmuxSession) async throws -> Void) async throws {
        let session = try await TmuxSession(width: width, height: height, command: command, directory: directory,
                                            environment: environment)
        do { try await body(session) } catch { await session.close(); throw error }
        await session.close()
    }
}
