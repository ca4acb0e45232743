//! Wall time spent in each stage of a build, for `--timings` and the benchmark.

/// Wall time spent in each stage of a build.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Loading the site and scanning every source into measurements.
    pub scan: std::time::Duration,
    /// Measuring every period (and deciding what to publish).
    pub measure: std::time::Duration,
    /// Drawing the charts.
    pub draw: std::time::Duration,
    /// Rendering pages, results.json and manifests.
    pub render: std::time::Duration,
    /// Writing the site.
    pub publish: std::time::Duration,
}

impl Timings {
    pub fn total(&self) -> std::time::Duration {
        self.scan + self.measure + self.draw + self.render + self.publish
    }

    /// Adds every stage of `other` to this one.
    pub fn add(&mut self, other: &Timings) {
        self.scan += other.scan;
        self.measure += other.measure;
        self.draw += other.draw;
        self.render += other.render;
        self.publish += other.publish;
    }
}

/// Runs `f`, adding its wall time to `slot`.
pub(super) fn timed<T>(slot: &mut std::time::Duration, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let value = f();
    *slot += start.elapsed();
    value
}
