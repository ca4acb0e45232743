//! Exact values and the comparisons customers are paid credits on.
//!
//! A figure is kept as a fraction of integers and compared with an objective
//! written as a decimal (`99.95`) by cross-multiplying, never in floating
//! point: "equal to the objective is met" must hold to the last digit.

use std::cmp::Ordering;

/// Decimal places an objective, bound or score keeps (TOML gives `f64`;
/// people write decimals such as 99.95, which this recovers exactly).
const SCALE: i128 = 1_000_000;

/// A decimal as an integer count of millionths.
///
/// Through `i64` whenever the rounded value fits (one instruction; the
/// conversion to `i128` is a library call, and a latency figure converts
/// each of a month's 44,640 samples): the same integer either way.
pub fn micros(x: f64) -> i128 {
    let y = (x * SCALE as f64).round();
    if y.abs() < 9.0e18 { i128::from(y as i64) } else { y as i128 }
}

/// A non-negative figure `num / den` in the unit of its metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub num: i128,
    pub den: i128,
}

impl Fraction {
    pub fn new(num: i128, den: i128) -> Self {
        assert!(den > 0, "a fraction needs a positive denominator");
        Fraction { num, den }
    }

    /// A whole number.
    pub fn whole(n: i128) -> Self {
        Fraction { num: n, den: 1 }
    }

    /// `part / whole` as a percentage.
    pub fn percent(part: i128, whole: i128) -> Self {
        Fraction::new(100 * part, whole)
    }

    /// A decimal read from data (a latency, a score).
    pub fn decimal(x: f64) -> Self {
        Fraction::new(micros(x), SCALE)
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Compares with a decimal written by a person.
    pub fn cmp_decimal(self, x: f64) -> Ordering {
        (self.num * SCALE).cmp(&(micros(x) * self.den))
    }
}

/// Whether a target met its objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    AtRisk,
    Breached,
    NoData,
    /// A value whose sample coverage is below the target's `min_coverage`:
    /// reported, but neither met nor breached, and owing no credit.
    InsufficientData,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::AtRisk => "at risk",
            Status::Breached => "breached",
            Status::NoData => "no data",
            Status::InsufficientData => "insufficient data",
        }
    }
}

/// True when `value` is strictly worse than the decimal `bound`.
pub fn worse_than(value: Fraction, bound: f64, higher_is_better: bool) -> bool {
    match value.cmp_decimal(bound) {
        Ordering::Less => higher_is_better,
        Ordering::Greater => !higher_is_better,
        Ordering::Equal => false,
    }
}

/// Breached when worse than the objective, at risk when worse than the
/// warning, met otherwise; no value is no data.
pub fn status(value: Option<Fraction>, objective: f64, warning: Option<f64>, higher_is_better: bool) -> Status {
    let Some(value) = value else { return Status::NoData };
    if worse_than(value, objective, higher_is_better) {
        Status::Breached
    } else if warning.is_some_and(|w| worse_than(value, w, higher_is_better)) {
        Status::AtRisk
    } else {
        Status::Met
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_through_i64_is_the_i128_conversion() {
        let wide = |x: f64| (x * SCALE as f64).round() as i128;
        // Halves round away from zero; the edges of i64; past them; not numbers.
        let values = [0.0, -0.0, 0.4999999e-6, 0.5e-6, 1.5e-6, -2.5e-6, 99.95, 1e13, -1e13, 9.2e12, 9.3e12, 1e30, -1e30, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        for x in values {
            assert_eq!(micros(x), wide(x), "{x}");
        }
        assert_eq!(micros(99.95), 99_950_000);
        assert_eq!(micros(1e30), wide(1e30));
    }

    #[test]
    fn comparing_millionths_is_comparing_fractions() {
        // Latency figures count samples over an objective (or at or under a
        // threshold) by comparing micros with the bound's micros, converted
        // once: the same answer as the exact comparison of each sample's
        // Fraction::decimal. Values on, just past and far from the bounds,
        // and decimals a float cannot hold (0.1 + 0.2 is 0.30000000000000004).
        let bounds = [0.0, 0.3, 120.0, 250.5, 99.95, 1e-6, 1_000_000.0];
        let mut values = vec![0.0, 0.1 + 0.2, 0.3, 0.2999995, 0.3000004, 0.3000005, 120.0, 119.9999995, 120.0000005, 250.49999949, 250.5000005, 99.9499995, 99.95, 1e-6, 5e-7, 4.9e-7];
        values.extend((0..2000).map(|i| i as f64 * 0.137));
        for &b in &bounds {
            for &v in &values {
                assert_eq!(micros(v) > micros(b), worse_than(Fraction::decimal(v), b, false), "{v} over {b}");
                assert_eq!(micros(v) <= micros(b), Fraction::decimal(v).cmp_decimal(b).is_le(), "{v} at or under {b}");
            }
        }
    }

    #[test]
    fn equal_to_the_objective_is_met() {
        // 99.9 % of 1000 s: 999 / 1000 s up. In f64, 999.0 / 1000.0 * 100.0
        // is 99.9 exactly here, but 0.1 + 0.2 style errors cannot arise at all
        // with cross-multiplication: 100 * 999 * 10^6 == 99_900_000 * 1000.
        let v = Fraction::percent(999, 1000);
        assert_eq!(status(Some(v), 99.9, None, true), Status::Met);
        // One second less: 99.8 % is breached.
        assert_eq!(status(Some(Fraction::percent(998, 1000)), 99.9, None, true), Status::Breached);
        // 7 of 100 samples over: f64 would give 100 * 0.07 = 7.000000000000001.
        let share = Fraction::percent(93, 100);
        assert_eq!(share.cmp_decimal(93.0), Ordering::Equal);
    }

    #[test]
    fn at_risk_between_warning_and_objective() {
        // 99.85 %: objective 99.8 met, warning 99.9 not.
        let v = Fraction::percent(9985, 10_000);
        assert_eq!(status(Some(v), 99.8, Some(99.9), true), Status::AtRisk);
        // Lower is better: 410 ms against 400 ms is breached; 390 with warning 350 at risk.
        assert_eq!(status(Some(Fraction::decimal(410.0)), 400.0, None, false), Status::Breached);
        assert_eq!(status(Some(Fraction::decimal(390.0)), 400.0, Some(350.0), false), Status::AtRisk);
        assert_eq!(status(None, 400.0, None, false), Status::NoData);
    }
}
