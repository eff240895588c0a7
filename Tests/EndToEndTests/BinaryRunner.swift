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

    /// `input`, when given, is the child's whole standard input (then end of input); without it the
    /// child reads no input.
    static func run(_ executable: String, _ arguments: [String], workingDirectory: String? = nil,
                    environment: [String: String] = [:], input: String? = nil, seconds: Int = 300) async throws -> Outcome {
        _ = ignoreBrokenPipes
        if let input {
            return try await run(executable, arguments, workingDirectory, environment, seconds, input: .string(input))
        }
        return try await run(executable, arguments, workingDirectory, environment, seconds, input: .none)
    }

    /// A child that exits before reading all its input must not take the whole
    /// test run down with SIGPIPE: the write then fails with EPIPE instead.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private static func run(_ executable: String, _ arguments: [String], _ workingDirectory: String?,
                            _ environment: [String: String], _ seconds: Int,
                            input: some InputProtocol) async throws -> Outcome {
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
