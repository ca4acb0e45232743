//! Probe samples of one timeline, held compactly.
//!
//! At provider scale the samples are most of what a build holds (170 M of
//! them for 300 services over 13 months), so a sample is kept in 6 bytes
//! instead of 17, and read back exactly as it was added:
//! - its instant as seconds after the timeline's first sample (4 bytes,
//!   reaching 68 years either side; a timeline with an instant further away
//!   keeps every instant whole);
//! - its state and latency as one code (2 bytes): the up bit and the index
//!   of the latency in the timeline's table of distinct latencies (probes
//!   report whole milliseconds, or a few distinct values; a timeline with
//!   more distinct latencies than codes keeps every latency whole).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use foldhash::fast::FixedState;

/// A stretch of time covered by consecutive probe samples of one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub start: i64,
    pub end: i64,
    pub up: bool,
}

/// The runs of `runs` (as [`Samples::runs`] gives them) that overlap
/// `[from, to)`, by binary search: runs are disjoint and sorted, so their
/// ends are sorted too. An empty span overlaps none.
pub fn overlapping(runs: &[Run], from: i64, to: i64) -> &[Run] {
    if from >= to {
        return &[];
    }
    let first = runs.partition_point(|r| r.end <= from);
    &runs[first..runs.partition_point(|r| r.start < to).max(first)]
}

/// The up bit of a code.
const UP: u16 = 0x8000;
/// The latency index of a sample without a latency.
const NONE: u16 = 0x7FFF;

/// Probe samples of one timeline, sorted by time once arranged (see
/// [`Samples::sort`]).
#[derive(Debug, Clone, Default)]
pub struct Samples {
    times: Times,
    marks: Marks,
    /// The stretches the samples cover (see [`Samples::runs`]), as indexed
    /// for `runs_key` (the interval and the number of samples).
    runs: Vec<Run>,
    runs_key: Option<(i64, usize)>,
}

#[derive(Debug, Clone)]
enum Times {
    /// Seconds after `base`, the first instant added.
    Near { base: i64, offsets: Vec<i32> },
    /// Every instant whole (one was too far from `base` for an `i32`).
    Far(Vec<i64>),
}

impl Default for Times {
    fn default() -> Times {
        Times::Near { base: 0, offsets: Vec::new() }
    }
}

#[derive(Debug, Clone)]
enum Marks {
    /// Per sample the up bit and the index of its latency in `values`
    /// (`NONE` without one); `lookup` finds a latency's index by its bits
    /// while samples are added (emptied once they are sorted, rebuilt if
    /// more are added).
    Coded { codes: Vec<u16>, values: Vec<f64>, lookup: HashMap<u64, u16, FixedState> },
    /// Every state and latency whole (NaN: none; scanning refuses a
    /// non-finite latency), once there were more distinct latencies than
    /// codes.
    Plain { up: Vec<bool>, latency: Vec<f64> },
}

impl Default for Marks {
    fn default() -> Marks {
        Marks::Coded { codes: Vec::new(), values: Vec::new(), lookup: HashMap::default() }
    }
}

impl PartialEq for Samples {
    fn eq(&self, other: &Samples) -> bool {
        let bits = |l: Option<f64>| l.map(f64::to_bits);
        self.len() == other.len()
            && (0..self.len()).all(|i| {
                self.time(i) == other.time(i) && self.up(i) == other.up(i) && bits(self.latency(i)) == bits(other.latency(i))
            })
    }
}

impl Samples {
    /// How many samples there are.
    pub fn len(&self) -> usize {
        match &self.times {
            Times::Near { offsets, .. } => offsets.len(),
            Times::Far(times) => times.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sample `i`'s instant (UTC seconds).
    pub fn time(&self, i: usize) -> i64 {
        match &self.times {
            Times::Near { base, offsets } => base + i64::from(offsets[i]),
            Times::Far(times) => times[i],
        }
    }

    /// Whether sample `i` is up.
    pub fn up(&self, i: usize) -> bool {
        match &self.marks {
            Marks::Coded { codes, .. } => codes[i] & UP != 0,
            Marks::Plain { up, .. } => up[i],
        }
    }

    /// Sample `i`'s latency, if it has one.
    pub fn latency(&self, i: usize) -> Option<f64> {
        match &self.marks {
            Marks::Coded { codes, values, .. } => values.get(usize::from(codes[i] & !UP)).copied(),
            Marks::Plain { latency, .. } => latency.get(i).copied().filter(|l| !l.is_nan()),
        }
    }

    /// The first sample's instant (the earliest, once sorted).
    pub fn first_time(&self) -> Option<i64> {
        (!self.is_empty()).then(|| self.time(0))
    }

    /// The last sample's instant (the latest, once sorted).
    pub fn last_time(&self) -> Option<i64> {
        self.len().checked_sub(1).map(|i| self.time(i))
    }

    /// The samples timed in `[from, to)`, by binary search (once sorted).
    pub fn range(&self, from: i64, to: i64) -> Range<usize> {
        let first = self.at_or_after(from);
        first..self.at_or_after(to).max(first)
    }

    /// The index of the first sample timed at or after `t`.
    fn at_or_after(&self, t: i64) -> usize {
        match &self.times {
            Times::Near { base, offsets } => offsets.partition_point(|&o| base + i64::from(o) < t),
            Times::Far(times) => times.partition_point(|&s| s < t),
        }
    }

    /// The latencies of the samples `picked` (indexes; those without a
    /// latency are passed over), as each distinct value with how many of
    /// them have it, sorted by value (`f64::total_cmp`). A month of
    /// one-minute probes is 44,640 latencies of a few hundred values: a
    /// percentile and a count against a bound are worked out from these
    /// pairs exactly as from every value.
    pub fn latency_counts(&self, picked: impl Iterator<Item = usize>) -> Vec<(f64, u64)> {
        let mut counted: Vec<(f64, u64)> = match &self.marks {
            Marks::Coded { codes, values, .. } => {
                let mut counts = vec![0u64; values.len()];
                for i in picked {
                    // A sample without a latency has the index NONE, past the table.
                    if let Some(n) = counts.get_mut(usize::from(codes[i] & !UP)) {
                        *n += 1;
                    }
                }
                values.iter().copied().zip(counts).filter(|&(_, n)| n > 0).collect()
            }
            Marks::Plain { latency, .. } => {
                let mut by_bits: HashMap<u64, u64, FixedState> = HashMap::default();
                for l in picked.map(|i| latency[i]).filter(|l| !l.is_nan()) {
                    *by_bits.entry(l.to_bits()).or_insert(0) += 1;
                }
                by_bits.into_iter().map(|(bits, n)| (f64::from_bits(bits), n)).collect()
            }
        };
        // Each value is there once (the table holds each bit pattern once).
        counted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        counted
    }

    /// The samples of `range` in the compact form the rows digest hashes
    /// (rule `rows-v5`), which their values alone decide: their count (8
    /// bytes, little endian), then for each sample the seconds since the one
    /// before (since `from` for the first), zigzag-encoded, as a LEB128
    /// varint; then its mark as a varint, `k << 1 | up`, where `k` is 0 for
    /// no latency, else 1 + the latency's place among the distinct latencies
    /// (by bits) of the range in the order they first appear; a latency
    /// appearing for the first time is followed by its 8 bytes (the f64's
    /// bits, little endian). A month of one-minute probes with a few hundred
    /// distinct latencies is 2 to 3 bytes a sample.
    ///
    /// The bytes are the same however the timeline holds its samples (coded
    /// or whole latencies, near or far instants), and they read back to the
    /// samples unambiguously (the count bounds the run; a new latency is
    /// recognised by its place), so two ranges of different samples never
    /// give the same bytes.
    pub fn write_compact(&self, range: Range<usize>, from: i64, out: &mut Vec<u8>) {
        out.extend_from_slice(&(range.len() as u64).to_le_bytes());
        out.reserve(range.len() * 3);
        let mut prev = from;
        let mut time = |out: &mut Vec<u8>, i: usize| {
            let t = self.time(i);
            let delta = t.wrapping_sub(prev);
            prev = t;
            varint(out, ((delta << 1) ^ (delta >> 63)) as u64);
        };
        // `place[latency]`: 0 until it appears, then its place + 1.
        let mark = |out: &mut Vec<u8>, up: bool, place: &mut u32, seen: &mut u32, latency: f64| {
            let first = *place == 0;
            if first {
                *seen += 1;
                *place = *seen;
            }
            varint(out, u64::from(*place) << 1 | u64::from(up));
            if first {
                out.extend_from_slice(&latency.to_bits().to_le_bytes());
            }
        };
        let mut seen = 0u32;
        match &self.marks {
            Marks::Coded { codes, values, .. } => {
                let mut places = vec![0u32; values.len()];
                for i in range {
                    time(out, i);
                    let (up, index) = (codes[i] & UP != 0, usize::from(codes[i] & !UP));
                    match (places.get_mut(index), values.get(index)) {
                        (Some(place), Some(&latency)) => mark(out, up, place, &mut seen, latency),
                        _ => varint(out, u64::from(up)),
                    }
                }
            }
            Marks::Plain { up, latency } => {
                let mut places: HashMap<u64, u32, FixedState> = HashMap::default();
                for i in range {
                    time(out, i);
                    match latency[i] {
                        l if l.is_nan() => varint(out, u64::from(up[i])),
                        l => mark(out, up[i], places.entry(l.to_bits()).or_insert(0), &mut seen, l),
                    }
                }
            }
        }
    }

    /// Adds a sample at the end.
    pub fn push(&mut self, time: i64, up: bool, latency: Option<f64>) {
        self.push_time(time);
        self.push_mark(up, latency);
    }

    fn push_time(&mut self, time: i64) {
        if let Times::Near { base, offsets } = &mut self.times {
            if offsets.is_empty() {
                *base = time;
            }
            if let Ok(offset) = i32::try_from(time - *base) {
                offsets.push(offset);
                return;
            }
            let whole = (0..offsets.len()).map(|i| *base + i64::from(offsets[i])).collect();
            self.times = Times::Far(whole);
        }
        if let Times::Far(times) = &mut self.times {
            times.push(time);
        }
    }

    fn push_mark(&mut self, up: bool, latency: Option<f64>) {
        if let Marks::Coded { codes, values, lookup } = &mut self.marks {
            let index = match latency {
                None => Some(NONE),
                Some(l) => code_of(values, lookup, l),
            };
            if let Some(index) = index {
                codes.push(index | if up { UP } else { 0 });
                return;
            }
            self.marks = self.plain_marks();
        }
        if let Marks::Plain { up: ups, latency: latencies } = &mut self.marks {
            ups.push(up);
            latencies.push(latency.unwrap_or(f64::NAN));
        }
    }

    /// The marks as they are (every state and latency whole).
    fn plain_marks(&self) -> Marks {
        let n = match &self.marks {
            Marks::Coded { codes, .. } => codes.len(),
            Marks::Plain { up, .. } => up.len(),
        };
        Marks::Plain {
            up: (0..n).map(|i| self.up(i)).collect(),
            latency: (0..n).map(|i| self.latency(i).unwrap_or(f64::NAN)).collect(),
        }
    }

    /// Adds `other`'s samples at the end.
    pub(crate) fn extend(&mut self, other: Samples) {
        if self.is_empty() {
            *self = other;
            self.runs_key = None;
            return;
        }
        self.extend_times(&other);
        if let (Marks::Coded { codes, values, lookup }, Marks::Coded { codes: more, values: theirs, .. }) = (&mut self.marks, &other.marks) {
            // Their latency indexes as ours, added to our table as needed.
            let ours: Option<Vec<u16>> = theirs.iter().map(|&l| code_of(values, lookup, l)).collect();
            if let Some(ours) = ours {
                codes.extend(more.iter().map(|&c| match c & !UP {
                    NONE => c,
                    index => ours[usize::from(index)] | (c & UP),
                }));
                return;
            }
        }
        // One side keeps whole values, or our table is full: ours become
        // whole too, and theirs are added whole.
        if let Marks::Coded { .. } = self.marks {
            self.marks = self.plain_marks();
        }
        if let Marks::Plain { up, latency } = &mut self.marks {
            for i in 0..other.len() {
                up.push(other.up(i));
                latency.push(other.latency(i).unwrap_or(f64::NAN));
            }
        }
    }

    /// Adds `other`'s instants at the end: at once when both are near
    /// their bases and `other`'s, moved to this base, still fit (a timeline
    /// is extended by every part of every file read), else one by one.
    fn extend_times(&mut self, other: &Samples) {
        if let (Times::Near { base, offsets }, Times::Near { base: their_base, offsets: theirs }) = (&mut self.times, &other.times) {
            if theirs.is_empty() {
                return;
            }
            let shift = their_base - *base;
            let (lo, hi) = theirs.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &o| (lo.min(i64::from(o)), hi.max(i64::from(o))));
            if !offsets.is_empty() && i32::try_from(lo + shift).is_ok() && i32::try_from(hi + shift).is_ok() {
                // Every shifted offset lies between the shifted extremes: it fits.
                offsets.extend(theirs.iter().map(|&o| (i64::from(o) + shift) as i32));
                return;
            }
        }
        for i in 0..other.len() {
            self.push_time(other.time(i));
        }
    }

    /// The time the samples cover, as runs: sample `i` covers `[t, min(next,
    /// t + interval))`, and stretches of one state that meet are one run
    /// (a month of 1-minute samples is 43,200 stretches and, for a service
    /// that went down twice, 5 runs). Sums and clips over runs are those
    /// over the stretches. Indexed when the data is arranged; worked out
    /// here if the samples changed since.
    pub fn runs(&self, interval: i64) -> Cow<'_, [Run]> {
        if self.runs_key == Some((interval, self.len())) {
            Cow::Borrowed(&self.runs)
        } else {
            Cow::Owned(self.work_out_runs(interval))
        }
    }

    fn work_out_runs(&self, interval: i64) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        let n = self.len();
        for i in 0..n {
            let (start, up) = (self.time(i), self.up(i));
            let end = if i + 1 < n { self.time(i + 1).min(start + interval) } else { start + interval };
            if end <= start {
                continue;
            }
            match runs.last_mut() {
                Some(run) if run.up == up && run.end == start => run.end = end,
                _ => runs.push(Run { start, end, up }),
            }
        }
        runs.shrink_to_fit();
        runs
    }

    pub(crate) fn index_runs(&mut self, interval: i64) {
        self.runs = self.work_out_runs(interval);
        self.runs_key = Some((interval, self.len()));
    }

    /// Sorts by time, stably (already sorted, the usual case, costs one
    /// pass), and gives back the room the vectors grew beyond their rows.
    pub(crate) fn sort(&mut self) {
        let sorted = match &self.times {
            Times::Near { offsets, .. } => offsets.is_sorted(),
            Times::Far(times) => times.is_sorted(),
        };
        if !sorted {
            let mut order: Vec<usize> = (0..self.len()).collect();
            order.sort_by_key(|&i| self.time(i));
            match &mut self.times {
                Times::Near { offsets, .. } => *offsets = order.iter().map(|&i| offsets[i]).collect(),
                Times::Far(times) => *times = order.iter().map(|&i| times[i]).collect(),
            }
            match &mut self.marks {
                Marks::Coded { codes, .. } => *codes = order.iter().map(|&i| codes[i]).collect(),
                Marks::Plain { up, latency } => {
                    *up = order.iter().map(|&i| up[i]).collect();
                    *latency = order.iter().map(|&i| latency[i]).collect();
                }
            }
        }
        match &mut self.times {
            Times::Near { offsets, .. } => offsets.shrink_to_fit(),
            Times::Far(times) => times.shrink_to_fit(),
        }
        match &mut self.marks {
            Marks::Coded { codes, values, lookup } => {
                codes.shrink_to_fit();
                values.shrink_to_fit();
                *lookup = HashMap::default();
            }
            Marks::Plain { up, latency } => {
                up.shrink_to_fit();
                latency.shrink_to_fit();
            }
        }
    }
}

/// The index of latency `l` in `values`, added if new (`lookup` rebuilt
/// first when it was emptied); `None` when the table is full.
fn code_of(values: &mut Vec<f64>, lookup: &mut HashMap<u64, u16, FixedState>, l: f64) -> Option<u16> {
    if lookup.len() < values.len() {
        lookup.extend(values.iter().enumerate().map(|(i, v)| (v.to_bits(), i as u16)));
    }
    if let Some(&index) = lookup.get(&l.to_bits()) {
        return Some(index);
    }
    let index = u16::try_from(values.len()).ok().filter(|&i| i < NONE)?;
    values.push(l);
    lookup.insert(l.to_bits(), index);
    Some(index)
}

/// `v` as an unsigned LEB128 varint: 7 bits a byte, low bits first, the
/// high bit set on every byte but the last.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sample reads back as added, whatever its encoding.
    fn check(samples: &Samples, expected: &[(i64, bool, Option<f64>)]) {
        assert_eq!(samples.len(), expected.len());
        for (i, &(t, up, l)) in expected.iter().enumerate() {
            assert_eq!((samples.time(i), samples.up(i), samples.latency(i).map(f64::to_bits)), (t, up, l.map(f64::to_bits)), "sample {i}");
        }
    }

    #[test]
    fn samples_read_back_as_added_near_and_far() {
        let mut s = Samples::default();
        let mut expected = vec![(1_700_000_000, true, Some(120.0)), (1_700_000_060, false, None), (1_699_999_940, true, Some(-0.0)), (1_700_000_120, true, Some(0.0))];
        for &(t, up, l) in &expected {
            s.push(t, up, l);
        }
        assert!(matches!(s.times, Times::Near { .. }));
        check(&s, &expected);
        // 2^31 seconds (68 years) after the first sample: every instant is kept whole.
        let far = 1_700_000_000 + (1 << 31);
        s.push(far, false, Some(5.5));
        expected.push((far, false, Some(5.5)));
        assert!(matches!(s.times, Times::Far(_)));
        check(&s, &expected);
        s.sort();
        expected.sort_by_key(|e| e.0);
        check(&s, &expected);
        assert_eq!(s.range(1_700_000_000, 1_700_000_121), 1..4);
        assert_eq!(s.range(far, far + 1), 4..5);
        assert_eq!(s.range(far + 1, 0), 5..5);
        assert_eq!((s.first_time(), s.last_time()), (Some(1_699_999_940), Some(far)));
    }

    #[test]
    fn latencies_past_the_codes_are_kept_whole() {
        // 0x7FFF codes (0 to 32,766) hold 32,767 distinct latencies: the
        // 32,768th turns the timeline to whole latencies, the earlier ones intact.
        let mut s = Samples::default();
        let expected: Vec<(i64, bool, Option<f64>)> = (0..45_000).map(|i| (i * 60, i % 7 != 0, (i % 5 != 0).then_some(i as f64 * 0.5))).collect();
        let mut distinct = 0;
        for &(t, up, l) in &expected {
            s.push(t, up, l);
            distinct += usize::from(l.is_some());
            assert_eq!(matches!(s.marks, Marks::Plain { .. }), distinct > 32_767, "at {t}");
        }
        check(&s, &expected);
    }

    #[test]
    fn the_compact_form_is_worked_out_by_hand_and_the_same_however_samples_are_held() {
        // From 960: 1000 up 20 ms, 1060 up 20 ms, 1120 down without a
        // latency, 1180 up 35 ms, 1380 down 20 ms.
        let rows = [(1000, true, Some(20.0)), (1060, true, Some(20.0)), (1120, false, None), (1180, true, Some(35.0)), (1380, false, Some(20.0))];
        let mut s = Samples::default();
        for &(t, up, l) in &rows {
            s.push(t, up, l);
        }
        let mut bytes = Vec::new();
        s.write_compact(s.range(960, 2000), 960, &mut bytes);
        let mut expected = 5u64.to_le_bytes().to_vec();
        // 1000 - 960 = 40 s, zigzag 80 = 0x50; 20 ms is new (place 1):
        // 1 << 1 | up = 3, then its 8 bytes.
        expected.extend([0x50, 0x03]);
        expected.extend(20.0f64.to_bits().to_le_bytes());
        // 60 s apart, zigzag 120 = 0x78; 20 ms again: 3.
        expected.extend([0x78, 0x03]);
        // No latency, down: 0.
        expected.extend([0x78, 0x00]);
        // 35 ms is new (place 2): 2 << 1 | 1 = 5, then its 8 bytes.
        expected.extend([0x78, 0x05]);
        expected.extend(35.0f64.to_bits().to_le_bytes());
        // 200 s apart, zigzag 400 = 0b11_0010000: 0x90, 0x03; 20 ms down: 1 << 1 | 0 = 2.
        expected.extend([0x90, 0x03, 0x02]);
        assert_eq!(bytes, expected);
        // The range alone counts: from 1060 to 1180, two samples, places from 1 again.
        let mut part = Vec::new();
        s.write_compact(s.range(1060, 1180), 1060, &mut part);
        let mut expected = 2u64.to_le_bytes().to_vec();
        expected.extend([0x00, 0x03]);
        expected.extend(20.0f64.to_bits().to_le_bytes());
        expected.extend([0x78, 0x00]);
        assert_eq!(part, expected);

        // The same samples held with whole latencies (a timeline past its
        // codes) and far instants give the same bytes.
        let far = i64::from(i32::MAX) * 4;
        let mut whole = Samples::default();
        whole.push(-far, true, None);
        for i in 0..32_768 {
            whole.push(i, true, Some(1_000.0 + i as f64));
        }
        for &(t, up, l) in &rows {
            whole.push(far + t, up, l);
        }
        assert!(matches!(whole.marks, Marks::Plain { .. }) && matches!(whole.times, Times::Far(_)));
        let mut shifted = Samples::default();
        for &(t, up, l) in &rows {
            shifted.push(far + t, up, l);
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        whole.write_compact(whole.range(far + 960, far + 2000), far + 960, &mut a);
        shifted.write_compact(shifted.range(far + 960, far + 2000), far + 960, &mut b);
        assert_eq!(a, b);
        assert_eq!(a, bytes);
        // Another latency, state or instant changes the bytes.
        for (i, changed) in [(3, (1180, true, Some(36.0))), (2, (1120, true, None)), (4, (1381, false, Some(20.0)))] {
            let mut other = Samples::default();
            for (j, &(t, up, l)) in rows.iter().enumerate() {
                let (t, up, l) = if j == i { changed } else { (t, up, l) };
                other.push(t, up, l);
            }
            let mut c = Vec::new();
            other.write_compact(other.range(960, 2000), 960, &mut c);
            assert_ne!(c, bytes, "sample {i} changed");
        }
    }

    #[test]
    fn extending_maps_latencies_to_the_timelines_table_and_sorts_stably() {
        let (mut a, mut b) = (Samples::default(), Samples::default());
        a.push(120, true, Some(30.0));
        a.push(180, true, Some(40.0));
        b.push(0, false, None);
        b.push(60, true, Some(40.0));
        b.push(120, true, Some(50.0));
        a.extend(b);
        let Marks::Coded { values, .. } = &a.marks else { panic!("coded") };
        assert_eq!(values, &[30.0, 40.0, 50.0]);
        a.sort();
        // Stable: the two samples at 120 keep their reading order.
        check(&a, &[(0, false, None), (60, true, Some(40.0)), (120, true, Some(30.0)), (120, true, Some(50.0)), (180, true, Some(40.0))]);
        // Adding after sorting rebuilds the lookup: 40 is found, not added again.
        a.push(240, true, Some(40.0));
        let Marks::Coded { values, .. } = &a.marks else { panic!("coded") };
        assert_eq!(values.len(), 3);
        assert_eq!(a.latency(5), Some(40.0));
    }

    #[test]
    fn overlapping_runs_by_binary_search() {
        let run = |start, end, up| Run { start, end, up };
        let runs = [run(0, 60, true), run(60, 120, false), run(180, 240, true)];
        assert_eq!(overlapping(&runs, 60, 180), &runs[1..2]);
        assert_eq!(overlapping(&runs, 59, 61), &runs[0..2]);
        // The gap [120, 180) and the time after the last run hold none.
        assert!(overlapping(&runs, 120, 180).is_empty());
        assert!(overlapping(&runs, 240, 300).is_empty());
        // An empty or reversed span holds none.
        assert!(overlapping(&runs, 200, 200).is_empty());
        assert!(overlapping(&runs, 200, 10).is_empty());
        assert_eq!(overlapping(&runs, -10, 1_000), &runs[..]);
    }

    #[test]
    fn extending_past_the_table_keeps_every_sample_whole() {
        // Two coded timelines of 20,000 distinct latencies each: 40,000 together
        // is more than the 32,767 codes, so the joined timeline keeps them whole.
        let (mut a, mut b) = (Samples::default(), Samples::default());
        let mut expected = Vec::new();
        for i in 0..20_000 {
            a.push(i, i % 2 == 0, Some(i as f64));
            expected.push((i, i % 2 == 0, Some(i as f64)));
        }
        let mut theirs = Vec::new();
        for i in 20_000..40_000 {
            b.push(i, i % 3 == 0, (i % 10 != 0).then_some(i as f64));
            theirs.push((i, i % 3 == 0, (i % 10 != 0).then_some(i as f64)));
        }
        assert!(matches!((&a.marks, &b.marks), (Marks::Coded { .. }, Marks::Coded { .. })));
        a.extend(b);
        assert!(matches!(a.marks, Marks::Plain { .. }));
        expected.extend(theirs);
        check(&a, &expected);
    }

    #[test]
    fn extending_coded_with_plain_keeps_every_sample() {
        let mut plain = Samples::default();
        let mut expected = Vec::new();
        for i in 0..33_000 {
            plain.push(i, true, Some(i as f64 + 0.25));
            expected.push((i, true, Some(i as f64 + 0.25)));
        }
        assert!(matches!(plain.marks, Marks::Plain { .. }));
        let mut coded = Samples::default();
        coded.push(-60, false, Some(1.0));
        coded.extend(plain.clone());
        let mut all = vec![(-60, false, Some(1.0))];
        all.extend(expected.iter().copied());
        check(&coded, &all);
        // And plain extended with coded.
        let mut more = Samples::default();
        more.push(40_000, true, None);
        plain.extend(more);
        expected.push((40_000, true, None));
        check(&plain, &expected);
    }

    #[test]
    fn latency_counts_are_each_value_once_with_its_count_coded_or_whole() {
        // Samples 0-6: 120, none, 80, 120, -0.0, 0.0, 80 (ms); picking 0-5
        // counts -0.0 once, 0.0 once, 80 once, 120 twice (sample 1 has none).
        let latencies = [Some(120.0), None, Some(80.0), Some(120.0), Some(-0.0), Some(0.0), Some(80.0)];
        let mut coded = Samples::default();
        for (i, &l) in latencies.iter().enumerate() {
            coded.push(i as i64 * 60, l.is_some(), l);
        }
        assert!(matches!(coded.marks, Marks::Coded { .. }));
        let expected = vec![(-0.0, 1), (0.0, 1), (80.0, 1), (120.0, 2)];
        let bits = |v: Vec<(f64, u64)>| v.into_iter().map(|(l, n)| (l.to_bits(), n)).collect::<Vec<_>>();
        assert_eq!(bits(coded.latency_counts(0..6)), bits(expected.clone()));
        // The same samples kept whole count the same.
        let mut whole = coded.clone();
        whole.marks = whole.plain_marks();
        assert!(matches!(whole.marks, Marks::Plain { .. }));
        assert_eq!(bits(whole.latency_counts(0..6)), bits(expected));
        // Picking none counts nothing; picking all adds the last 80.
        assert!(coded.latency_counts(std::iter::empty()).is_empty());
        assert_eq!(bits(coded.latency_counts(0..7))[2], (80f64.to_bits(), 2));
    }

    #[test]
    fn extending_shifts_near_instants_at_once_and_keeps_far_ones_whole() {
        let mut s = Samples::default();
        s.push(1_000, true, Some(1.0));
        let mut later = Samples::default();
        later.push(5_000, false, None);
        later.push(4_000, true, Some(2.0));
        s.extend(later);
        assert!(matches!(s.times, Times::Near { .. }));
        check(&s, &[(1_000, true, Some(1.0)), (5_000, false, None), (4_000, true, Some(2.0))]);
        // Earlier than the base by less than 2^31 s: still near.
        let mut earlier = Samples::default();
        earlier.push(-1_000_000, true, None);
        s.extend(earlier);
        assert!(matches!(s.times, Times::Near { .. }));
        assert_eq!(s.time(3), -1_000_000);
        // 2^31 s past the base does not fit: every instant is kept whole.
        let far = 1_000 + (1i64 << 31);
        let mut beyond = Samples::default();
        beyond.push(far, true, None);
        s.extend(beyond);
        assert!(matches!(s.times, Times::Far(_)));
        check(&s, &[(1_000, true, Some(1.0)), (5_000, false, None), (4_000, true, Some(2.0)), (-1_000_000, true, None), (far, true, None)]);
        // Nothing to add adds nothing.
        s.extend(Samples::default());
        assert_eq!(s.len(), 5);
    }
}
