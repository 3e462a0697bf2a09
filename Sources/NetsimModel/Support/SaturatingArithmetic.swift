/// Whole-number arithmetic on values derived from input that clamps at `Int.min`/`Int.max`
/// instead of trapping: a setting of 2^63 − 1 must give a huge answer, never a crash.
extension Int {
    @inlinable public func addingSaturated(_ other: Int) -> Int {
        let (r, o) = addingReportingOverflow(other)
        return o ? (other > 0 ? .max : .min) : r
    }

    @inlinable public func subtractingSaturated(_ other: Int) -> Int {
        let (r, o) = subtractingReportingOverflow(other)
        return o ? (other < 0 ? .max : .min) : r
    }

    @inlinable public func multipliedSaturated(by other: Int) -> Int {
        let (r, o) = multipliedReportingOverflow(by: other)
        return o ? ((self < 0) != (other < 0) ? .min : .max) : r
    }
}
