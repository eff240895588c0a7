import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs programs the way a person would from a shell. Every child goes through
/// swift-subprocess (close-on-exec pipes, no stray descriptors for a tmux server
/// to inherit) and under coreutils `timeout`, so a hung child fails its test
/// instead of hanging the whole run. Foundation's `Process` is not used: its
/// SIGCHLD handling and swift-subprocess's can each miss the other's children.
enum ChildProcess {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
        /// True when `timeout` had to kill the child.
        var timedOut: Bool { status == 124 || status == 137 }
    }

    /// A child that exits before reading all its input closes the pipe; writing the rest
    /// must then fail that write, not kill the whole test process with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// `input`, when given, is the child's whole standard input (then end of input); without it the
    /// child reads no input.
    static func run(_ executable: String, _ arguments: [String], workingDirectory: String? = nil,
                    environment: [String: String] = [:], input: String? = nil, seconds: Int = 300) async throws -> Outcome {
        _ = ignoreBrokenPipes
        if let input {
            // The input goes through a file, not a pipe: a child that exits before reading all of
            // it (a quiz quit with "q") must not leave the writer to a closed pipe (SIGPIPE, or
            // swift-subprocess's "FileDescriptor was not closed" trap).
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-input-\(UUID())").path
            try Data(input.utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let descriptor = try FileDescriptor.open(FilePath(file), .readOnly)
            return try await run(executable, arguments, workingDirectory, environment, seconds,
                                 input: .fileDescriptor(descriptor, closeAfterSpawningProcess: true))
        }
        return try await run(executable, arguments, workingDirectory, environment, seconds, input: .none)
    }


    private static func run(_ executable: String, _ arguments: [String], _ workingDirectory: String?,
                            _ environment: [String: String], _ seconds: Int,
                            input: some InputProtocol) async throws -> Outcome {
        _ = ignoreBrokenPipes
        let settings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let result = try await Subprocess.run(
            .path(FilePath("/usr/bin/timeout")),
            arguments: Arguments(["-k", "5", String(seconds), "/usr/bin/env"] + settings + [executable] + arguments),
            workingDirectory: workingDirectory.map { FilePath($0) },
            input: input,
            output: .string(limit: 64 << 20), error: .string(limit: 1 << 20))
        let status: Int32
        switch result.terminationStatus {
        case .exited(let code): status = Int32(code)
        default: status = -1   // killed by a signal: a crash
        }
        return Outcome(status: status, standardOutput: result.standardOutput, standardError: result.standardError)
    }
}

/// The built `rnn-tutor` binary.
enum BinaryRunner {
    typealias Outcome = ChildProcess.Outcome

    /// The executable that `swift build` put beside this test bundle.
    static var executable: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("rnn-tutor").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/rnn-tutor").path
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String], workingDirectory: String? = nil,
                    environment: [String: String] = [:], input: String? = nil, seconds: Int = 300) async throws -> Outcome {
        try await ChildProcess.run(executable, arguments, workingDirectory: workingDirectory,
                                   environment: environment, input: input, seconds: seconds)
    }
}
