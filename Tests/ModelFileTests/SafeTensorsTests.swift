import Foundation
import RNNCore
import Testing
@testable import ModelFile

/// The safetensors layer on its own, and each way a file can break it.
@Suite struct SafeTensorsTests {
    let f32Pair = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#

    @Test func writtenTensorsReadBackInNameOrderWithMetadata() throws {
        let b = Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, -0.0, 1e-30])
        let a = Tensor(shape: [1], values: [42])
        let bytes = SafeTensors.write([("b", b), ("a", a)], metadata: ["note": "hé \"quoted\"\n"])
        let headerLength = Int(bytes[0])
        #expect(headerLength % 8 == 0)
        let file = try SafeTensors.read(bytes)
        #expect(file.metadata == ["note": "hé \"quoted\"\n"])
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(file["b"]?.tensor == b)
        #expect(file["b"]?.dtype == .f32)
        #expect(file["a"]?.tensor.values == [42])
    }

    /// The reference writer (safetensors 0.8, via save_file) made this file.
    @Test func writerMatchesTheReferenceWriterByteForByte() throws {
        let reference = try [UInt8](Data(contentsOf: fixtureURL("reference_writer.safetensors")))
        let b = Tensor(shape: [2, 3], values: (0..<6).map { Float($0) / 4 })
        let mine = SafeTensors.write([("b", b), ("a", Tensor(shape: [1], values: [-1.5]))],
                                     metadata: ["note": "written by safetensors"])
        #expect(mine == reference)
    }

    @Test func emptyFileWithNoTensorsIsValid() throws {
        let file = try SafeTensors.read(rawFile(header: "{}"))
        #expect(file.tensors.isEmpty && file.metadata.isEmpty)
    }

    @Test func headerMayBePaddedWithWhitespaceOnBothSides() throws {
        let file = try SafeTensors.read(rawFile(header: "  \n{\"__metadata__\":null}\t   ", data: []))
        #expect(file.metadata.isEmpty)
    }

    @Test func tensorsMayBeListedInAnyOrderAndCarryUnknownFields() throws {
        let header = #"{"b":{"dtype":"F16","shape":[],"data_offsets":[4,6],"x":[1,{"y":2}]},"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#
        let file = try SafeTensors.read(rawFile(header: header, data: [0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3C]))
        #expect(file["a"]?.tensor.values == [1, -2])
        #expect(file["b"]?.tensor == Tensor(shape: [], values: [1]))
    }

    @Test func zeroSizedTensorsMayShareAnOffset() throws {
        let header = #"{"a":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]},"b":{"dtype":"F32","shape":[3,0],"data_offsets":[0,0]}}"#
        let file = try SafeTensors.read(rawFile(header: header))
        #expect(file["a"]?.tensor.count == 0 && file["b"]?.tensor.shape == [3, 0])
    }

    // MARK: Malformed files: each names its problem.

    @Test func truncatedBeforeTheHeaderLength() {
        expectRefused([1, 2, 3], "too short", "3 bytes")
        expectRefused([], "too short")
    }

    @Test func headerLengthBeyondTheFile() {
        expectRefused(littleEndian(1000) + Array("{}".utf8), "header length 1000", "past the end of the file")
        expectRefused(littleEndian(UInt64.max), "header length", "over the limit")
        expectRefused(littleEndian(100_000_001), "over the limit of 100000000")
    }

    @Test func headerThatIsNotUTF8() {
        expectRefused(littleEndian(4) + [0x7B, 0xFF, 0xFE, 0x7D], "not valid UTF-8")
    }

    @Test(arguments: [
        (#"{"a":"#, "unexpected end"), (#"{"a":1,}"#, "expected a string key"), ("", "unexpected end"),
        (#"{"a":1} x"#, "after the JSON value"), (#"{'a':1}"#, "string key"), (#"{"a":01}"#, "expected ',' or '}'"),
        (#"{"a":"\x"}"#, "invalid escape"), (#"{"a":"\ud800"}"#, "surrogate"), (#"{"a":tru}"#, "invalid literal"),
        ("{\"a\":\"tab\there\"}", "control character"), (#"{"a":-}"#, "invalid number"), (#"{"a":1.}"#, "invalid number"),
    ])
    func badJSON(header: String, problem: String) {
        expectRefused(rawFile(header: header), "header is not valid JSON", problem)
    }

    @Test func headerThatIsNotAnObject() {
        expectRefused(rawFile(header: "[1,2]"), "header is an array, not a JSON object")
    }

    @Test func keyGivenTwice() {
        let entry = #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
        expectRefused(rawFile(header: "{\"a\":\(entry),\"a\":\(entry)}", data: [0, 0, 0, 0]), "key \"a\" given twice")
        expectRefused(rawFile(header: #"{"__metadata__":{"cell":"rnn","cell":"gru"}}"#), "key \"cell\" given twice")
        expectRefused(rawFile(header: #"{"a":{"dtype":"F32","dtype":"F16","shape":[],"data_offsets":[0,4]}}"#),
                      "key \"dtype\" given twice")
        // An escape is the same key.
        expectRefused(rawFile(header: "{\"a\":\(entry),\"\\u0061\":\(entry)}", data: [0, 0, 0, 0]), "given twice")
    }

    @Test func offsetsOutsideTheData() {
        expectRefused(rawFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]),
                      "tensor \"a\"", "data_offsets [0, 8]", "past the end of the data (4 bytes)")
        expectRefused(rawFile(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, data: [0, 0, 0, 0]),
                      "data_offsets [8, 4]", "end before they begin")
    }

    @Test func offsetsThatOverlapOrLeaveGaps() {
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectRefused(rawFile(header: overlap, data: Array(repeating: 0, count: 8)), "tensor \"b\"", "overlap")
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        expectRefused(rawFile(header: gap, data: Array(repeating: 0, count: 12)), "tensor \"b\"", "gap", "begin at 4")
        let lateStart = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectRefused(rawFile(header: lateStart, data: Array(repeating: 0, count: 8)), "tensor \"a\"", "gap", "begin at 0")
        expectRefused(rawFile(header: f32Pair, data: Array(repeating: 0, count: 16)),
                      "the tensors end at byte 12", "16 data bytes")
    }

    @Test func byteLengthThatDisagreesWithTheShape() {
        let header = #"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#
        expectRefused(rawFile(header: header, data: Array(repeating: 0, count: 8)),
                      "tensor \"a\" has 8 bytes", "shape [3] of F16 needs 6")
    }

    @Test func shapeWhoseSizeOverflows() {
        let header = #"{"a":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,0]}}"#
        expectRefused(rawFile(header: header), "too large to count")
        let bytesOverflow = #"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}}"#
        expectRefused(rawFile(header: bytesOverflow), "too large to count")
        let beyondUInt64 = #"{"a":{"dtype":"F32","shape":[99999999999999999999999],"data_offsets":[0,0]}}"#
        expectRefused(rawFile(header: beyondUInt64), "shape that is not a list of non-negative integers")
    }

    @Test(arguments: ["[-1]", "[1.0]", "[1e0]", "[\"1\"]", "3", "null"])
    func shapeThatIsNotSizes(shape: String) {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[0,4]}}"
        expectRefused(rawFile(header: header, data: [0, 0, 0, 0]), "tensor \"a\" has a shape that is not a list")
    }

    @Test(arguments: ["[0]", "[0,4,8]", "[0,-4]", "{\"begin\":0}"])
    func offsetsThatAreNotAPair(offsets: String) {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\(offsets)}}"
        expectRefused(rawFile(header: header, data: [0, 0, 0, 0]), "data_offsets that are not two")
    }

    @Test(arguments: ["I64", "F64", "U8", "BOOL", "f32", "F33"])
    func dtypesOtherThanF32F16BF16AreRefusedByName(dtype: String) {
        let header = "{\"a\":{\"dtype\":\"\(dtype)\",\"shape\":[1],\"data_offsets\":[0,8]}}"
        expectRefused(rawFile(header: header, data: Array(repeating: 0, count: 8)),
                      "tensor \"a\" has dtype \"\(dtype)\"", "only F32, F16 and BF16")
    }

    @Test func entriesMissingAField() {
        expectRefused(rawFile(header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#), "tensor \"a\" has no \"dtype\"")
        expectRefused(rawFile(header: #"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#), "has no \"shape\"")
        expectRefused(rawFile(header: #"{"a":{"dtype":"F32","shape":[1]}}"#), "has no \"data_offsets\"")
        expectRefused(rawFile(header: #"{"a":[1]}"#), "tensor \"a\" is described by an array")
    }

    @Test func metadataThatIsNotAStringMap() {
        expectRefused(rawFile(header: #"{"__metadata__":{"cell":4}}"#), "__metadata__ value \"cell\" is a number")
        expectRefused(rawFile(header: #"{"__metadata__":["rnn"]}"#), "__metadata__ is an array")
    }

    @Test func namesWithControlCharactersStayOnOneLine() {
        let header = "{\"bad\\nname\\u2028\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}"
        expectRefused(rawFile(header: header, data: [0]), #"tensor "bad\nname\u{2028}""#)
    }

    // MARK: The JSON parser against hostile input.

    @Test func deepNestingIsRefusedWithoutRecursingFurther() {
        for opener in ["[", "{\"a\":"] {
            let text = String(repeating: opener, count: 100_000)
            #expect(throws: JSONError.self) { try JSONParser.parse(text) }
        }
        let nested = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect((try? JSONParser.parse(nested)) != nil)
    }

    @Test func parserKeepsNumbersAsTextAndDecodesEscapes() throws {
        let value = try JSONParser.parse(#" {"k": [18446744073709551615, -0.5e+3, true, null, "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"]} "#)
        #expect(value == .object([("k", .array([
            .number("18446744073709551615"), .number("-0.5e+3"), .bool(true), .null, .string("a\"\\/\u{8}\u{c}\n\r\té😀"),
        ]))]))
        #expect(JSONValue.number("18446744073709551615").nonNegativeInteger == nil)
        #expect(JSONValue.number("9223372036854775807").nonNegativeInteger == Int.max)
    }

    @Test func manyKeysParseInLinearTime() throws {
        let members = (0..<20_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        guard case .object(let parsed) = try JSONParser.parse("{\(members)}") else { Issue.record("not an object"); return }
        #expect(parsed.count == 20_000)
    }
}
