import ArgumentParser

/// The root command. The full-screen tutor will be its default subcommand;
/// until it lands, running with no subcommand prints help.
struct RNNTutor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnn-tutor",
        abstract: "Learn how recurrent neural networks work by watching a real one think.",
        subcommands: [TraceCommand.self, TrainCommand.self, EvalCommand.self, ExperimentCommand.self, BenchCommand.self, LessonsCommand.self])
}

/// A failure with a message a learner can act on; main prints it on one line and exits with status 2.
struct CommandFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
