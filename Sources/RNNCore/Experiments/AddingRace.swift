/// Several cells learning the adding problem from the same batches, one step
/// at a time, with the curves that the race screen and `rnn-tutor experiment
/// adding` show. Stepping is the caller's business, so a screen can run it on
/// a worker thread and stop it between any two steps.
public struct AddingRace: Sendable {
    public struct Settings: Equatable, Sendable {
        public var length = 50
        public var cells: [CellKind] = [.rnn, .lstm, .gru]
        public var steps = 2000
        public var hidden = 32
        public var batchSize = 32
        public var learningRate: Float = 0.005
        /// Clip the global gradient norm to this (nil: no clipping).
        public var clipNorm: Float? = 1
        public var whhScale: Float = 1
        public var seed: UInt64 = 1
        public init() {}
    }

    /// How one cell is doing.
    public struct Standing: Equatable, Sendable {
        public var cell: CellKind
        /// Mean training loss over each stretch of the run (a stretch is 1% of the steps).
        public var lossCurve: [Float] = []
        /// ‖∂L/∂h_0‖ at the end of each stretch: how much gradient reaches the first number.
        public var firstStepCurve: [Float] = []
        /// The global gradient norm before clipping, at the end of each stretch; spikes and NaN show here.
        public var normCurve: [Float] = []
        /// ‖∂L/∂h_t‖ for t = 0 … T−1 at the latest step.
        public var profile: [Float] = []
        /// The share of saturated hidden values at the latest step (see `StepReport.saturation`).
        public var saturation: Float = 0
        public var lastLoss: Float = .nan
        public var seconds: Double = 0
        /// Mean squared error on held-out sequences, once the race is over.
        public var heldOutError: Float? = nil

        public init(cell: CellKind) { self.cell = cell }
    }

    public let settings: Settings
    public let problem: AddingProblem
    public private(set) var learners: [AddingProblemLearner]
    public private(set) var standings: [Standing]
    public private(set) var step = 0
    private var random: SeededRandom
    private var recentLosses: [[Float]]

    public init(_ settings: Settings) {
        self.settings = settings
        problem = AddingProblem(length: settings.length)
        learners = settings.cells.map {
            AddingProblemLearner(cell: $0, hiddenSize: settings.hidden, seed: settings.seed, learningRate: settings.learningRate,
                                 clipNorm: settings.clipNorm, whhScale: settings.whhScale)
        }
        standings = settings.cells.map(Standing.init(cell:))
        random = SeededRandom(seed: settings.seed &+ 1000)
        recentLosses = Array(repeating: [], count: settings.cells.count)
    }

    /// Steps between two points of a curve: 100 points over a whole run.
    public var sampleEvery: Int { max(1, settings.steps / 100) }
    public var isFinished: Bool { step >= settings.steps }

    /// Half the baseline error: a cell below it has clearly learned the task.
    public static func learned(_ error: Float) -> Bool { error < AddingProblem.baselineError / 2 }

    /// One batch, one optimiser step for every cell.
    public mutating func advance() {
        guard !isFinished else { return }
        step += 1
        let batch = problem.batch(size: settings.batchSize, using: &random)
        let clock = ContinuousClock()
        // The cells learn side by side on the worker pool; each owns its learner, so
        // the outcome is the same whatever the threads.
        let problem = problem
        let outcomes = learners.withUnsafeMutableBufferPointer { cells in
            let base = cells.baseAddress!
            return WorkerPool.shared.map(shards: cells.count) { i in
                var report: AddingProblemLearner.StepReport!
                let elapsed = clock.measure { report = (base + i).pointee.train(on: batch, problem: problem) }
                return (report: report!, elapsed: elapsed)
            }
        }
        for i in learners.indices {
            let (report, elapsed) = outcomes[i]
            standings[i].seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            standings[i].lastLoss = report.loss
            standings[i].profile = report.gradientProfile
            standings[i].saturation = report.saturation
            recentLosses[i].append(report.loss)
            if step % sampleEvery == 0 || step == settings.steps {
                standings[i].lossCurve.append(recentLosses[i].reduce(0, +) / Float(recentLosses[i].count))
                standings[i].firstStepCurve.append(report.firstStepGradient)
                standings[i].normCurve.append(report.gradientNorm)
                recentLosses[i] = []
            }
        }
    }

    /// Scores every cell on 1000 held-out sequences (a fixed seed, the same for every cell).
    public mutating func evaluate() {
        var heldOutRandom = SeededRandom(seed: settings.seed &+ 2000)
        let heldOut = problem.batch(size: 1000, using: &heldOutRandom)
        for i in learners.indices { standings[i].heldOutError = learners[i].evaluate(heldOut, problem: problem) }
    }
}
