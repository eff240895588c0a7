import Foundation
import Trace

/// Find the unit (`u`): the learner marks a span of the sentence, the tutor ranks the
/// hidden units of the shown layer by how selectively they are on over it
/// (`UnitFinder.rank`), and for the chosen unit asks the runtime to search the held-out
/// text for where it is most active (`Effect.searchUnit`, answered off the update path).
public struct UnitFinderSession: Equatable, Sendable {
    /// The span, first and last word (both included), 0-based.
    public var spanStart: Int
    public var spanEnd: Int
    /// The layer ranked.
    public var layer: Int
    /// The best few units, strongest first.
    public private(set) var ranking: [UnitScore] = []
    /// Why nothing could be ranked (a span of the whole sentence, say).
    public private(set) var problem: String? = nil
    /// The chosen row of `ranking`.
    public var selected = 0
    /// The search for the chosen unit: what was asked, and its answer once it came.
    public var search: UnitSearchRequest? = nil
    public var found: UnitSearchAnswer? = nil

    /// Opened by a lab task's verdict, where Enter moves on: the search is offered in the learner's own lab.
    public var forTask = false

    /// Units listed.
    static let shown = 5

    public var chosen: UnitScore? { ranking.indices.contains(selected) ? ranking[selected] : nil }
    /// A search asked for and not answered yet.
    public var searching: Bool { search != nil && found?.request != search }

    init(span: ClosedRange<Int>, layer: Int) {
        spanStart = span.lowerBound
        spanEnd = span.upperBound
        self.layer = layer
    }

    /// Ranks the units of `trace` for the current span.
    mutating func rank(_ trace: SentenceTrace) {
        spanStart = min(max(spanStart, 0), trace.tokens.count - 1)
        spanEnd = min(max(spanEnd, spanStart), trace.tokens.count - 1)
        do {
            ranking = Array(try UnitFinder.rank(trace, layer: layer, span: spanStart..<(spanEnd + 1)).prefix(Self.shown))
            problem = nil
        } catch {
            ranking = []
            problem = error == .badSpan(lower: spanStart, upper: spanEnd + 1, steps: trace.tokens.count)
                ? "the span must leave at least one word outside it" : error.description
        }
        selected = min(selected, max(0, ranking.count - 1))
    }
}

/// What to search: a unit of a layer of a loaded model, where it is highest or lowest.
public struct UnitSearchRequest: Equatable, Sendable {
    public var model: Int
    public var layer: Int
    public var unit: Int
    public var highest: Bool
    public init(model: Int, layer: Int, unit: Int, highest: Bool) {
        self.model = model
        self.layer = layer
        self.unit = unit
        self.highest = highest
    }
}

/// The runtime's answer: the contexts, or why there are none; `lines`: how many lines were searched.
public struct UnitSearchAnswer: Equatable, Sendable {
    public var request: UnitSearchRequest
    public var contexts: [UnitContext]
    public var lines: Int
    public var problem: String?
    public init(request: UnitSearchRequest, contexts: [UnitContext], lines: Int, problem: String? = nil) {
        self.request = request
        self.contexts = contexts
        self.lines = lines
        self.problem = problem
    }
}
