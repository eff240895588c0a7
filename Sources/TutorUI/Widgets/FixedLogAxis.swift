import Foundation

/// One log axis for a whole lesson: the union of every series it may have to show
/// (each cell, each W_hh scale the knob allows), so toggling the cell or turning the
/// knob moves the bars and never the axis.
extension LogScale {
    public init(lowDecade: Int, highDecade: Int) {
        self.lowDecade = lowDecade
        self.highDecade = max(highDecade, lowDecade + 1)
    }

    /// The smallest axis of whole decades holding both (nil when both are nil).
    public static func union(_ a: LogScale?, _ b: LogScale?) -> LogScale? {
        guard let a else { return b }
        guard let b else { return a }
        return LogScale(lowDecade: min(a.lowDecade, b.lowDecade), highDecade: max(a.highDecade, b.highDecade))
    }

    /// The axis over every series given (nil when none has a finite positive value).
    public static func covering(_ series: [[Float]]) -> LogScale? {
        series.reduce(nil as LogScale?) { union($0, LogScale(values: $1)) }
    }

    /// Whether every finite positive value lies on the axis.
    public func contains(_ values: [Float]) -> Bool {
        guard let own = LogScale(values: values) else { return true }
        return own.lowDecade >= lowDecade && own.highDecade <= highDecade
    }
}
