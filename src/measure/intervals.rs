//! Half-open intervals of UTC seconds and the set arithmetic the metrics
//! need: union, intersection, difference, and a weighted sweep that says who
//! each lost second belongs to.

use std::collections::BTreeSet;

/// `[start, end)` in UTC seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

impl Interval {
    pub fn new(start: i64, end: i64) -> Self {
        Interval { start, end }
    }

    pub fn len(&self) -> i64 {
        (self.end - self.start).max(0)
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The part inside `[from, to)`, if any.
    pub fn clip(self, from: i64, to: i64) -> Option<Interval> {
        let clipped = Interval::new(self.start.max(from), self.end.min(to));
        (!clipped.is_empty()).then_some(clipped)
    }
}

/// Sorts and merges intervals into a disjoint set.
pub fn union(mut items: Vec<Interval>) -> Vec<Interval> {
    items.retain(|i| !i.is_empty());
    items.sort();
    let mut out: Vec<Interval> = Vec::with_capacity(items.len());
    for i in items {
        match out.last_mut() {
            Some(last) if last.end >= i.start => last.end = last.end.max(i.end),
            _ => out.push(i),
        }
    }
    out
}

/// The intersection of two disjoint sorted sets.
pub fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        if start < end {
            out.push(Interval::new(start, end));
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `a` less `b`, both disjoint and sorted.
pub fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut j = 0;
    for &x in a {
        let mut cursor = x.start;
        while j < b.len() && b[j].end <= cursor {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start < x.end {
            if b[k].start > cursor {
                out.push(Interval::new(cursor, b[k].start));
            }
            cursor = cursor.max(b[k].end);
            k += 1;
        }
        if cursor < x.end {
            out.push(Interval::new(cursor, x.end));
        }
    }
    out
}

pub fn total(items: &[Interval]) -> i64 {
    items.iter().map(Interval::len).sum()
}

/// An interval that costs: `weight` thousandths of each second it covers
/// are lost, owed to `owner` (an index the caller gives meaning to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weighted {
    pub span: Interval,
    /// Thousandths: 1000 counts a second fully down, 500 half.
    pub weight: i64,
    pub owner: usize,
}

/// Lost time inside `scope`, in thousandths of seconds, per owner.
///
/// Overlapping intervals are counted once: each second costs the largest
/// weight covering it, owed to the interval of that weight that started
/// first (then the one listed first). Intervals of weight 0 or less cost
/// nothing. A second inside several scope windows counts once for each
/// (callers pass a disjoint scope).
///
/// A sweep over the interval ends: `O((n + m) log n)` for `n` items and `m`
/// scope windows. The items covering the current stretch are kept ordered by
/// (weight, heaviest first; start, earliest first; listing index), so the
/// first of them is the one the stretch is owed to.
pub fn weighted_loss(scope: &[Interval], items: &[Weighted], owners: usize) -> Vec<i64> {
    let mut lost = vec![0i64; owners];
    let counted: Vec<usize> = (0..items.len()).filter(|&i| items[i].weight > 0 && !items[i].span.is_empty()).collect();
    let mut starts = counted.clone();
    starts.sort_by_key(|&i| items[i].span.start);
    let mut ends = counted;
    ends.sort_by_key(|&i| items[i].span.end);
    // +1 where a scope window opens, -1 where it closes.
    let mut windows: Vec<(i64, i64)> = scope.iter().filter(|s| !s.is_empty()).flat_map(|s| [(s.start, 1), (s.end, -1)]).collect();
    windows.sort_unstable();
    let key = |i: usize| (std::cmp::Reverse(items[i].weight), items[i].span.start, i);
    let mut active: BTreeSet<(std::cmp::Reverse<i64>, i64, usize)> = BTreeSet::new();
    let (mut s, mut e, mut w) = (0, 0, 0);
    let mut depth = 0i64;
    // The next event time at or after the cursors.
    let next = |s: usize, e: usize, w: usize| -> Option<i64> {
        [
            starts.get(s).map(|&i| items[i].span.start),
            ends.get(e).map(|&i| items[i].span.end),
            windows.get(w).map(|x| x.0),
        ]
        .into_iter()
        .flatten()
        .min()
    };
    let mut at = next(s, e, w);
    while let Some(t) = at {
        while e < ends.len() && items[ends[e]].span.end == t {
            active.remove(&key(ends[e]));
            e += 1;
        }
        while s < starts.len() && items[starts[s]].span.start == t {
            active.insert(key(starts[s]));
            s += 1;
        }
        while w < windows.len() && windows[w].0 == t {
            depth += windows[w].1;
            w += 1;
        }
        at = next(s, e, w);
        let (Some(until), true) = (at, depth > 0) else { continue };
        if let Some(&(std::cmp::Reverse(weight), _, i)) = active.first() {
            if let Some(slot) = lost.get_mut(items[i].owner) {
                *slot += (until - t) * depth * weight;
            }
        }
    }
    lost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(a: i64, b: i64) -> Interval {
        Interval::new(a, b)
    }

    #[test]
    fn union_merges_overlaps_and_touching() {
        assert_eq!(union(vec![iv(5, 8), iv(0, 3), iv(2, 4), iv(8, 9), iv(7, 7)]), vec![iv(0, 4), iv(5, 9)]);
    }

    #[test]
    fn intersect_and_subtract() {
        let a = [iv(0, 10), iv(20, 30)];
        let b = [iv(5, 25)];
        assert_eq!(intersect(&a, &b), vec![iv(5, 10), iv(20, 25)]);
        assert_eq!(subtract(&a, &b), vec![iv(0, 5), iv(25, 30)]);
        assert_eq!(subtract(&a, &[iv(2, 3), iv(4, 6), iv(28, 40)]), vec![iv(0, 2), iv(3, 4), iv(6, 10), iv(20, 28)]);
        assert_eq!(total(&a), 20);
    }

    #[test]
    fn overlapping_losses_are_counted_once_and_owed_to_the_first() {
        let scope = [iv(0, 100)];
        let items = [
            Weighted { span: iv(10, 40), weight: 1000, owner: 0 },
            Weighted { span: iv(30, 50), weight: 1000, owner: 1 },
            // Degraded at half weight inside a full outage: the full one counts.
            Weighted { span: iv(20, 60), weight: 500, owner: 2 },
        ];
        let lost = weighted_loss(&scope, &items, 3);
        // Owner 0: 10..40 = 30 s. Owner 1: 40..50 = 10 s (30..40 belongs to
        // owner 0, who started first). Owner 2: 50..60 at half = 5 s.
        assert_eq!(lost, vec![30_000, 10_000, 5_000]);
    }

    /// The implementation before the sweep, kept as the reference: for each
    /// piece between two consecutive bounds, scan every scope window and every
    /// item. `O(pieces × (scope + items))`.
    fn weighted_loss_reference(scope: &[Interval], items: &[Weighted], owners: usize) -> Vec<i64> {
        let mut lost = vec![0i64; owners];
        let mut bounds: Vec<i64> = items
            .iter()
            .flat_map(|w| [w.span.start, w.span.end])
            .chain(scope.iter().flat_map(|s| [s.start, s.end]))
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&i| (items[i].span.start, i));
        for pair in bounds.windows(2) {
            let piece = Interval::new(pair[0], pair[1]);
            let in_scope: i64 = scope.iter().filter_map(|s| piece.clip(s.start, s.end)).map(|p| p.len()).sum();
            if in_scope == 0 {
                continue;
            }
            let mut best: Option<&Weighted> = None;
            for &i in &order {
                let w = &items[i];
                if w.weight > 0 && w.span.start <= piece.start && piece.end <= w.span.end && best.is_none_or(|b| w.weight > b.weight) {
                    best = Some(w);
                }
            }
            if let Some(w) = best {
                lost[w.owner] += in_scope * w.weight;
            }
        }
        lost
    }

    fn both(scope: &[Interval], items: &[Weighted], owners: usize) -> Vec<i64> {
        let fast = weighted_loss(scope, items, owners);
        assert_eq!(fast, weighted_loss_reference(scope, items, owners), "scope {scope:?} items {items:?}");
        fast
    }

    fn w(a: i64, b: i64, weight: i64, owner: usize) -> Weighted {
        Weighted { span: iv(a, b), weight, owner }
    }

    /// Knuth's MMIX linear congruential generator: deterministic, no crate.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }

        fn span(&mut self, room: u64, longest: u64) -> Interval {
            let a = self.below(room) as i64;
            iv(a, a + self.below(longest + 1) as i64)
        }
    }

    #[test]
    fn the_sweep_matches_the_reference_on_generated_cases() {
        let mut rng = Lcg(20_261_125);
        let mut nonzero = 0;
        for case in 0..5_000 {
            // Small rooms make touching, identical and nested spans common.
            let room = [10, 40, 200][case % 3];
            let items: Vec<Weighted> = (0..rng.below(12))
                .map(|_| {
                    let span = rng.span(room, room / 2);
                    // Weights from a short list so equal weights tie often;
                    // 0 (planned, not counted) and a negative one included.
                    let weight = [1000, 1000, 500, 250, 0, -5][rng.below(6) as usize];
                    // Owners repeat: several items may share one.
                    Weighted { span, weight, owner: rng.below(5) as usize }
                })
                .collect();
            let scope = match rng.below(4) {
                // A disjoint sorted scope with gaps, as the metrics pass it.
                0 | 1 => union((0..rng.below(6)).map(|_| rng.span(room, room / 4)).collect()),
                // Raw windows, possibly overlapping, empty or reversed.
                2 => (0..rng.below(5)).map(|_| rng.span(room, room / 3)).chain([iv(7, 3)]).collect(),
                _ => vec![iv(0, room as i64)],
            };
            let lost = both(&scope, &items, 5);
            nonzero += usize::from(lost.iter().any(|&l| l != 0));
        }
        // The generator exercises real losses, not only empty cases.
        assert!(nonzero > 2_500, "only {nonzero} cases lost anything");
    }

    #[test]
    fn touching_spans_hand_over_at_the_boundary() {
        // Owner 0 10..20, owner 1 20..30: 10 s each, nothing counted twice.
        assert_eq!(both(&[iv(0, 100)], &[w(10, 20, 1000, 0), w(20, 30, 1000, 1)], 2), vec![10_000, 10_000]);
        // A scope gap exactly between them: 15..25 is out of scope, so
        // owner 0 keeps 10..15 = 5 s and owner 1 25..30 = 5 s.
        assert_eq!(both(&[iv(0, 15), iv(25, 100)], &[w(10, 20, 1000, 0), w(20, 30, 1000, 1)], 2), vec![5_000, 5_000]);
    }

    #[test]
    fn zero_weight_costs_nothing_and_hides_nothing() {
        // Planned at weight 0 over 0..50 and a degraded half over 20..40:
        // only the degraded 20 s count, at half = 10 s; the planned owner owes 0.
        assert_eq!(both(&[iv(0, 100)], &[w(0, 50, 0, 0), w(20, 40, 500, 1)], 2), vec![0, 10_000]);
        // Nothing but weight 0: nothing lost.
        assert_eq!(both(&[iv(0, 100)], &[w(0, 50, 0, 0)], 1), vec![0]);
    }

    #[test]
    fn identical_spans_go_to_the_one_listed_first() {
        // Same span, same weight: listing order decides. 10..40 = 30 s.
        assert_eq!(both(&[iv(0, 100)], &[w(10, 40, 1000, 1), w(10, 40, 1000, 0)], 2), vec![0, 30_000]);
        // Same span, heavier one listed second: the heavier takes it all.
        assert_eq!(both(&[iv(0, 100)], &[w(10, 40, 500, 0), w(10, 40, 1000, 1)], 2), vec![0, 30_000]);
    }

    #[test]
    fn equal_weights_go_to_the_earliest_start_not_the_first_listed() {
        // Listed first but starting later (20..50) against 10..40 listed
        // second: 10..40 = 30 s to owner 1; owner 0 only 40..50 = 10 s.
        assert_eq!(both(&[iv(0, 100)], &[w(20, 50, 1000, 0), w(10, 40, 1000, 1)], 2), vec![10_000, 30_000]);
    }

    #[test]
    fn a_heavier_item_inside_a_lighter_one_takes_its_stretch_only() {
        // Degraded half 0..60 around a full outage 20..30, scope 10..50:
        // degraded 10..20 + 30..50 = 30 s at half = 15 s; outage 10 s.
        assert_eq!(both(&[iv(10, 50)], &[w(0, 60, 500, 0), w(20, 30, 1000, 1)], 2), vec![15_000, 10_000]);
    }

    #[test]
    fn items_outside_the_scope_and_empty_inputs() {
        // Entirely in a scope gap: nothing.
        assert_eq!(both(&[iv(0, 10), iv(50, 60)], &[w(20, 40, 1000, 0)], 1), vec![0]);
        // No scope, no items, empty spans.
        assert_eq!(both(&[], &[w(0, 10, 1000, 0)], 1), vec![0]);
        assert_eq!(both(&[iv(0, 10)], &[], 0), Vec::<i64>::new());
        assert_eq!(both(&[iv(0, 10)], &[w(5, 5, 1000, 0), w(8, 3, 1000, 0)], 1), vec![0]);
        // Scope windows that touch count like one: 0..10 and 10..20 around
        // 5..15 = 10 s.
        assert_eq!(both(&[iv(0, 10), iv(10, 20)], &[w(5, 15, 1000, 0)], 1), vec![10_000]);
    }
}
