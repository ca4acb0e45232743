//! slareport turns service level agreements and the measurements behind them
//! into a static HTML report site.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! load     slareport.toml, agreements      -> model::Site (validated)
//! scan     CSV / Parquet exports           -> scan::Measurements (canonical frames)
//! measure  site + measurements + period   -> measure::Results (exact figures)
//! draw     results                        -> SVG charts
//! render   results + charts + notes       -> pages in memory (tera, pulldown-cmark)
//! publish  pages                          -> plan (new, kept, refused, revised), manifests, append-only writes under a lock
//! check    load + scan, every problem      -> check::Report
//! ```
//!
//! Around the pipeline: `init` writes a small working site, `serve` builds
//! into a temporary folder and rebuilds on change, `schema` gives editors
//! JSON Schemas of the TOML files.
//!
//! Every stage reports problems as [`diagnostic::Diagnostic`]s with file,
//! line and column, and collects all of them rather than stopping at the first.

pub mod build;
pub mod check;
pub mod diagnostic;
pub mod digest;
pub mod draw;
pub mod fuzzing;
pub mod init;
pub mod load;
pub mod measure;
pub mod model;
pub mod period;
pub mod publish;
pub mod render;
pub mod scan;
pub mod schema;
pub mod serve;
