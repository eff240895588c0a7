import ArgumentParser

/// The root command. With no subcommand it opens the full-screen tutor.
struct RNNTutor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnn-tutor",
        abstract: "Learn how recurrent neural networks work by watching a real one think.",
        discussion: "`rnn-tutor --version` prints the version (and the commit it was built from, when known).",
        subcommands: [TutorCommand.self, TraceCommand.self, TrainCommand.self, EvalCommand.self, ExperimentCommand.self,
                      BenchCommand.self, LessonsCommand.self, FAQCommand.self, QuizCommand.self, TaskCommand.self, ReviewCommand.self,
                      StatsCommand.self, SettingsCommand.self, ExportCommand.self, RestoreCommand.self, StoreDriveCommand.self,
                      AgreementCommand.self, GenerateCommand.self, UnitsCommand.self],
        defaultSubcommand: TutorCommand.self)
}

/// A failure with a message a learner can act on; main prints it on one line and exits with status 2.
struct CommandFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
