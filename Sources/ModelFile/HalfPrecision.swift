// IEEE half precision (F16) and bfloat16 (BF16), converted by hand so that
// every platform reads a file the same way. Both widen to Float32 exactly.

/// The Float32 that an IEEE half-precision bit pattern stands for.
func float(fromFloat16Bits bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits) & 0x3FF
    switch exponent {
    case 0x1F:
        // Infinity or NaN; the NaN payload moves to the top of the wider mantissa.
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    case 0:
        // Zero or subnormal: mantissa × 2^-24, exact in Float32.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    default:
        return Float(bitPattern: sign | (exponent + 127 - 15) << 23 | mantissa << 13)
    }
}

/// The Float32 that a bfloat16 bit pattern stands for: the top half of a Float32.
func float(fromBFloat16Bits bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

/// The nearest half-precision value (ties to even); beyond ±65504 it is ±infinity.
func float16Bits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(bits >> 16) & 0x8000
    let exponent = Int(bits >> 23) & 0xFF
    let mantissa = bits & 0x7F_FFFF
    if exponent == 0xFF {
        // Keep NaN a NaN (quiet, with the top of its payload).
        return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(mantissa >> 13)
    }
    let halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F { return sign | 0x7C00 }
    if halfExponent <= 0 {
        // Subnormal half: count units of 2^-24, including Float32's implicit 1.
        guard halfExponent >= -10 else { return sign }
        let shift = UInt32(14 - halfExponent)
        return sign | UInt16(roundingShift(mantissa | 0x80_0000, by: shift))
    }
    // A carry out of the mantissa correctly bumps the exponent (up to infinity).
    let combined = UInt32(halfExponent) << 23 | mantissa
    return sign | UInt16(roundingShift(combined, by: 13))
}

/// The nearest bfloat16 value (ties to even).
func bfloat16Bits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
    return UInt16(roundingShift(bits, by: 16))
}

/// value >> shift, rounded to nearest with ties to even.
private func roundingShift(_ value: UInt32, by shift: UInt32) -> UInt32 {
    let kept = value >> shift
    let dropped = value & ((1 << shift) - 1)
    let half: UInt32 = 1 << (shift - 1)
    return dropped > half || (dropped == half && kept & 1 == 1) ? kept + 1 : kept
}
