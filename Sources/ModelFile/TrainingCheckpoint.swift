import Foundation
import RNNCore

/// A training run saved to continue later: the current and best weights, the
/// optimiser's moments, the position in the data and the settings, in one
/// safetensors file. Tensors are prefixed `current.`, `best.`, `adam.m.`,
/// `adam.v.`; the model metadata (vocabulary, cell) and a `checkpoint` JSON
/// entry sit in the header. The best weights are validated as a model file.
public struct TrainingCheckpoint: Sendable {
    /// The model with the best validation perplexity so far, with its vocabulary.
    public var model: Model
    public var state: TrainingState
    public var settings: TrainingSettings

    public init(model: Model, state: TrainingState, settings: TrainingSettings) {
        self.model = model
        self.state = state
        self.settings = settings
    }

    /// Scalars of the run, stored as JSON in the header.
    struct Progress: Codable {
        var epoch, batchInEpoch, checksWithoutImprovement, tokensSeen, adamStep: Int
        var secondsTrained: Double
        var bestValidationPerplexity: Double?
        var learningRate: Float
        var finished: Bool
        var settings: TrainingSettings
    }

    public func save(to path: String) throws(ModelFileError) {
        var tensors: [(name: String, tensor: Tensor)] = []
        for (prefix, parameters) in [("current.", state.parameters), ("best.", state.best),
                                     ("adam.m.", state.optimizer.firstMoment), ("adam.v.", state.optimizer.secondMoment)] {
            tensors += parameters.named.map { (prefix + $0.name, $0.tensor) }
        }
        let progress = Progress(
            epoch: state.epoch, batchInEpoch: state.batchInEpoch, checksWithoutImprovement: state.checksWithoutImprovement,
            tokensSeen: state.tokensSeen, adamStep: state.optimizer.step, secondsTrained: state.secondsTrained,
            bestValidationPerplexity: state.bestValidationPerplexity.isFinite ? state.bestValidationPerplexity : nil,
            learningRate: state.optimizer.learningRate, finished: state.finished, settings: settings)
        var metadata = model.metadata
        metadata["checkpoint"] = String(decoding: (try? JSONEncoder().encode(progress)) ?? Data(), as: UTF8.self)
        do {
            try Data(SafeTensors.write(tensors, metadata: metadata, as: .f32)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelFileError(path: path, problem: "cannot write the checkpoint")
        }
    }

    public static func load(path: String) throws(ModelFileError) -> TrainingCheckpoint {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelFileError(path: path, problem: "cannot read the checkpoint")
        }
        let file: SafeTensorsFile
        do { file = try SafeTensors.read(data) } catch { throw ModelFileError(path: path, problem: error.message) }
        var metadata = file.metadata
        guard let json = metadata.removeValue(forKey: "checkpoint"),
              let progress = try? JSONDecoder().decode(Progress.self, from: Data(json.utf8))
        else { throw ModelFileError(path: path, problem: "not a training checkpoint (no readable \"checkpoint\" entry)") }

        func group(_ prefix: String) -> [(name: String, tensor: Tensor)] {
            file.tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.tensor) }
        }
        // The best weights go through the model file's own checks.
        let best = try Model.load(data: Data(SafeTensors.write(group("best."), metadata: metadata, as: .f32)), path: path)
        let architecture = best.architecture
        func parameters(_ prefix: String) throws(ModelFileError) -> Parameters {
            var result = Parameters(zerosFor: architecture)
            let stored = Dictionary(group(prefix).map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
            for (name, shape) in architecture.parameterShapes {
                guard let tensor = stored[name], tensor.shape == shape, tensor.isFinite else {
                    throw ModelFileError(path: path, problem: "checkpoint tensor \"\(prefix)\(name)\" is missing, misshapen or not finite")
                }
                result.forEachTensor { n, t in if n == name { t = tensor } }
            }
            return result
        }
        var state = TrainingState(parameters: try parameters("current."), learningRate: progress.learningRate,
                                  architecture: architecture)
        state.best = best.parameters
        state.optimizer.firstMoment = try parameters("adam.m.")
        state.optimizer.secondMoment = try parameters("adam.v.")
        state.optimizer.step = progress.adamStep
        state.epoch = progress.epoch
        state.batchInEpoch = progress.batchInEpoch
        state.checksWithoutImprovement = progress.checksWithoutImprovement
        state.tokensSeen = progress.tokensSeen
        state.secondsTrained = progress.secondsTrained
        state.bestValidationPerplexity = progress.bestValidationPerplexity ?? .infinity
        state.finished = progress.finished
        return TrainingCheckpoint(model: best, state: state, settings: progress.settings)
    }
}

/// Builds a vocabulary from training text: `<unk>` first, then the `size − 1`
/// most frequent words (ties in alphabetical order, so that it reproduces).
public enum VocabularyBuilder {
    public static func build(from lines: [String], size: Int, lowercase: Bool,
                             unknownToken: String = Model.defaultUnknownToken) -> [String] {
        var counts: [String: Int] = [:]
        for line in lines {
            for word in Tokenizer.words(in: line, lowercase: lowercase) where word != unknownToken { counts[word, default: 0] += 1 }
        }
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return [unknownToken] + ranked.prefix(max(size - 1, 0)).map(\.key)
    }
}
