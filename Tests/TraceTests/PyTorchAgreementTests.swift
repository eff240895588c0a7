import Foundation
import ModelFile
import Testing
@testable import Trace

/// Every fixture was computed by PyTorch's own modules and autograd in float64
/// (scripts/torch_reference.py). The library's JSON export must match each
/// number within the spec's tolerance, and every label and id exactly.
@Suite struct PyTorchAgreementTests {
    @Test func fixturesArePresent() {
        #expect(TraceFixture.all().count >= 12)
    }

    @Test(arguments: TraceFixture.all())
    func traceMatchesPyTorch(_ fixture: TraceFixture) throws {
        let model = try Model.load(path: fixture.modelPath)
        let input: TraceInput = fixture.text.map { .text($0) } ?? .ids(fixture.ids ?? [])
        let trace = try SentenceTrace.compute(model: model, input: input, lossStep: fixture.lossStep,
                                              target: fixture.target, whhScale: fixture.whhScale)
        let parsed = try JSONSerialization.jsonObject(with: Data(trace.json().utf8))
        let found = differences(parsed, fixture.expected)
        #expect(found.isEmpty, "\(fixture.name): \(found.prefix(10).joined(separator: "; "))")
    }
}
