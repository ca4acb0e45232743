//! What a snapshot vouches for: whether a published month was made by this
//! version of slareport from the inputs it would be made from now (tool,
//! settings, agreements, note and rows), and the digests a snapshot
//! records of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::digest::sha256;
use crate::load::notes::Note;
use crate::measure::data::DigestRule;
use crate::measure::{Prepared, Results};
use crate::model::{Agreement, AgreementKind};
use crate::period::Period;
use crate::publish::manifest::InputFile;
use crate::publish::Published;

use super::inputs::slashed;

/// The inputs of this build as a snapshot records them.
#[derive(Clone, Copy)]
pub(super) struct Known<'a> {
    pub(super) root: &'a Path,
    /// Every input file with its hash.
    pub(super) inputs: &'a [InputFile],
    /// The text of every agreement file.
    pub(super) agreement_texts: &'a BTreeMap<String, Vec<u8>>,
}

/// What made a snapshot, as its manifest names it.
pub(super) fn tool() -> String {
    format!("slareport {}", env!("CARGO_PKG_VERSION"))
}

/// True when the published `published` of `customer` in `period` was made
/// by this version of slareport from the inputs it would be made from now:
/// the same rows behind it (the rows digest), agreement files, note,
/// slareport.toml and corrections.toml. Its figures are then what they
/// would be now, and the month is kept without being measured. Anything
/// else (another version, another digest rule, a changed input) is
/// measured and compared figure by figure as usual.
pub(super) fn inputs_unchanged(prepared: &Prepared, known: Known, customer: &str, period: Period, published: &Published) -> bool {
    let in_force = prepared.site.agreements_in_force(period);
    let Some(services) = settings_unchanged(&in_force, &prepared.notes, known, customer, period, published) else {
        return false;
    };
    let services: Vec<&str> = services.iter().map(String::as_str).collect();
    let (start, end) = period.bounds(prepared.site.config.timezone);
    // Checked under the rule it was made with (a rule this version no longer
    // knows vouches for nothing: the month is measured and compared).
    let published_rows = &published.manifest.content.rows;
    DigestRule::of(published_rows).is_some_and(|rule| prepared.data.rows_digest_as(rule, &services, Some(customer), start, end) == *published_rows)
}

/// Everything of [`inputs_unchanged`] but the rows: the same tool,
/// slareport.toml, corrections.toml, agreement files and note. Returns the
/// services of the customer's SLAs in the period when all are as they were.
/// `in_force`: the agreements in force in `period` (`Site::agreements_in_force`).
pub(super) fn settings_unchanged(
    in_force: &[&Agreement],
    notes: &[Note],
    known: Known,
    customer: &str,
    period: Period,
    published: &Published,
) -> Option<Vec<String>> {
    let Known { root, inputs, agreement_texts } = known;
    let manifest = &published.manifest;
    if manifest.tool != tool() {
        return None;
    }
    let settings = [crate::load::CONFIG_FILE, crate::load::corrections::CORRECTIONS_FILE];
    let hash_of = |list: &[InputFile], path: &str| list.iter().find(|i| i.path == path).map(|i| i.sha256.clone());
    if settings.iter().any(|f| hash_of(inputs, f) != hash_of(&manifest.inputs, f)) {
        return None;
    }
    // The agreements the report would use: the customer's SLAs in force in
    // the period and the agreements underpinning them (as `for_customer`).
    let slas: Vec<&Agreement> = in_force.iter().copied().filter(|a| a.kind == AgreementKind::Sla && a.party == customer).collect();
    if slas.is_empty() {
        return None;
    }
    let underpinning: BTreeSet<&str> = slas.iter().flat_map(|a| a.targets.iter().flat_map(|t| t.underpinned_by.iter().map(String::as_str))).collect();
    let used = in_force.iter().copied().filter(|a| (a.kind == AgreementKind::Sla && a.party == customer) || underpinning.contains(a.id.as_str()));
    if agreement_digests(used, agreement_texts) != manifest.content.agreements {
        return None;
    }
    if note_digest(notes, root, customer, period) != manifest.content.note {
        return None;
    }
    Some(slas.iter().flat_map(|a| a.targets.iter().flat_map(|t| crate::measure::results::services_of(a, t))).map(str::to_string).collect())
}

/// The digest under `rule` of the rows behind a customer's period: those of
/// the services of its SLA rows.
pub(super) fn rows_digest(prepared: &Prepared, customer: &str, results: &Results, rule: DigestRule) -> String {
    let services: Vec<&str> = results.targets.iter().filter(|t| t.kind == AgreementKind::Sla).map(|t| t.service.as_str()).collect();
    let (start, end) = results.period.bounds(prepared.site.config.timezone);
    prepared.data.rows_digest_as(rule, &services, Some(customer), start, end)
}

/// sha256 of each agreement's file (every version's text is read once per
/// build), by agreement id: what a snapshot records of the agreements it used.
pub(super) fn agreement_digests<'a>(agreements: impl IntoIterator<Item = &'a Agreement>, agreement_texts: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    agreements
        .into_iter()
        .map(|a| (a.id.clone(), agreement_texts.get(&slashed(&a.file)).map_or_else(String::new, |text| sha256(text))))
        .collect()
}

/// sha256 of the customer's note of the period, if it has one.
pub(super) fn note_digest(notes: &[Note], root: &Path, customer: &str, period: Period) -> Option<String> {
    notes
        .iter()
        .find(|n| n.customer == customer && n.period == period)
        .map(|n| sha256(&std::fs::read(root.join(&n.file)).unwrap_or_default()))
}
