/// Which steps of a long sentence get a column when not all of them fit: evenly spaced
/// ones, and always the first word, the cursor's word and the loss step, so the three
/// places a lesson talks about are never the ones left out.
public enum ColumnSampling {
    /// The steps to draw, ascending and without repeats: all of `0..<count` when `slots`
    /// allows, else `slots` of them including every valid step in `keep`.
    public static func steps(count: Int, slots: Int, keep: [Int]) -> [Int] {
        guard count > 0, slots > 0 else { return [] }
        if count <= slots { return Array(0..<count) }
        let kept = Set(([0] + keep).filter { $0 >= 0 && $0 < count }).sorted().prefix(slots)
        var chosen = Set(kept)
        // Fill the remaining slots evenly, skipping steps already kept.
        let free = slots - chosen.count
        if free > 0 {
            let candidates = (0..<count).filter { !chosen.contains($0) }
            for i in 0..<free {
                let index = free == 1 ? candidates.count / 2 : i * (candidates.count - 1) / (free - 1)
                chosen.insert(candidates[index])
            }
            // Evenly spaced picks can collide only when candidates are few; top up in order.
            var next = 0
            while chosen.count < slots, next < candidates.count { chosen.insert(candidates[next]); next += 1 }
        }
        return chosen.sorted()
    }
}
