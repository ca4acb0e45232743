//! Half-open intervals of UTC seconds and the set arithmetic the metrics
//! need: union, intersection, difference, and a weighted sweep that says who
//! each lost second belongs to.

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
/// first (then the one listed first).
pub fn weighted_loss(scope: &[Interval], items: &[Weighted], owners: usize) -> Vec<i64> {
    let mut lost = vec![0i64; owners];
    let mut bounds: Vec<i64> = items
        .iter()
        .flat_map(|w| [w.span.start, w.span.end])
        .chain(scope.iter().flat_map(|s| [s.start, s.end]))
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    // Listing order breaks ties between equal starts.
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
}
