//! What every customer's pages are made from: the measured periods, what
//! is published, the inputs and the renderer, shared by the customers of a
//! build (each works on its own, in parallel).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::measure::{Prepared, Results};
use crate::period::Period;
use crate::publish::manifest::InputFile;
use crate::publish::plan;
use crate::render::{Renderer, SiteView, ToDateLink};

/// What every customer's pages are made from.
pub(super) struct Shared<'a> {
    pub(super) renderer: &'a Renderer,
    pub(super) site: &'a SiteView,
    pub(super) prepared: &'a Prepared,
    pub(super) root: &'a Path,
    pub(super) out: &'a Path,
    pub(super) revise: bool,
    pub(super) agreement_texts: &'a BTreeMap<String, Vec<u8>>,
    pub(super) inputs: &'a [InputFile],
    /// The periods measured (see `unchanged` for the others).
    pub(super) all_results: &'a BTreeMap<Period, Results>,
    pub(super) complete: &'a [Period],
    /// (customer, period) published and with its inputs as they were: kept.
    pub(super) unchanged: &'a BTreeSet<(String, Period)>,
    /// What each published period's results.json says, by folder.
    pub(super) snapshots: &'a BTreeMap<PathBuf, plan::Snapshot>,
    /// The month in progress, measured for the whole provider.
    pub(super) to_date: Option<&'a Results>,
    pub(super) to_date_link: Option<ToDateLink>,
    /// A line for each month that waits for late rows.
    pub(super) awaiting: Vec<String>,
    pub(super) bar: indicatif::ProgressBar,
}
