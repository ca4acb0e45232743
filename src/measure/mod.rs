//! The `measure` stage: every target of every agreement for a period, as
//! exact figures with status, credits, error budget, attribution and trend.
//!
//! Rules are those of DESIGN.md ("Metrics"); each module holds one part:
//! [`period`] cuts months, [`calendar`] turns service hours into UTC
//! intervals, [`intervals`] does the set arithmetic, [`exact`] compares
//! without floating point, [`metrics`] computes one figure, and
//! [`results`] assembles what the report shows.

pub mod calendar;
pub mod data;
pub mod exact;
pub mod intervals;
pub mod metrics;
pub mod period;
pub mod results;

pub use data::Data;
pub use period::Period;
pub use results::{measure, Results};
