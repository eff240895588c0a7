import Foundation
import ModelFile
import RNNCore
import Trace

/// The lab's instruments beyond the standing panels, in one value on the state: the
/// Jacobian panel (J), the network writing (w), find the unit (u) and the layer the
/// panels show (L). Their keys are in Screens/InstrumentKeys.swift.
public struct LabInstruments: Equatable, Sendable {
    /// Whether the Jacobian panel is at the front of the panels.
    public var showsJacobian = false
    /// The Jacobian bound of the current trace, while the panel shows (see `refresh`).
    public private(set) var jacobian: DerivedJacobian? = nil
    /// The network writing, while its panel is open.
    public var writer: WriterSession? = nil
    /// Find the unit, while its panel is open.
    public var finder: UnitFinderSession? = nil
    /// The layer the panels show, 0 at the bottom; nil: the top one.
    public var layer: Int? = nil

    /// The Jacobian bound of a trace, equal when the same inputs made it.
    public struct DerivedJacobian: Equatable, Sendable {
        public var inputs: LessonTraces.Inputs?
        public var bound: JacobianTrace
        public static func == (a: DerivedJacobian, b: DerivedJacobian) -> Bool { a.inputs == b.inputs }
    }

    /// Something moves on the timer beats (the network writing, a search under way).
    var isAnimating: Bool { writer?.isWriting == true || finder?.searching == true }

    /// The layer shown for a model with `layers` layers (the top one unless `L` chose another).
    func shownLayer(of layers: Int) -> Int { min(layer ?? layers - 1, layers - 1) }

    /// Brings the derived values up to date after the traces changed: the Jacobian is
    /// computed only while its panel shows (about a millisecond for lesson 4's passage).
    mutating func refresh(traces: LessonTraces, network: RecurrentNetwork?) {
        guard showsJacobian, let trace = traces.current, let network else { jacobian = nil; return }
        if jacobian?.inputs == traces.inputs, traces.inputs != nil { return }
        jacobian = DerivedJacobian(inputs: traces.inputs, bound: trace.jacobian(network: network))
    }
}

extension LessonSession {
    /// The instruments' derived values, after the trace or what they show changed.
    mutating func refreshInstruments(models: LoadedModels) {
        instruments.refresh(traces: traces, network: models.indices.contains(modelIndex) ? models[modelIndex].model.network : nil)
    }
}
