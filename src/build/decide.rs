//! What a build does with one complete period of one customer: keep it,
//! refuse it (published, and it would change), or publish it new or as a
//! revision. Draws and writes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::digest::sha256;
use crate::measure::data::DigestRule;
use crate::measure::{Prepared, Results};
use crate::model::AgreementKind;
use crate::period::Period;
use crate::publish::manifest::Content;
use crate::publish::manifest::Revision;
use crate::publish::plan::{self, Candidate, Decision};
use crate::publish::Published;
use crate::render::CustomerView;

use super::context::Shared;
use super::inputs::used_agreements;
use super::timings::{timed, Timings};
use super::unchanged::{agreement_digests, note_digest, rows_digest};
use super::error::BuildError;

/// A period decided for publication.
pub(super) struct ToPublish {
    pub(super) period: Period,
    pub(super) revision: u32,
    pub(super) why: Option<Revision>,
    pub(super) results: Results,
    pub(super) results_json: String,
    pub(super) content: Content,
}

/// What a build does with one complete period of one customer.
pub(super) enum Verdict {
    /// Published and unchanged, or nothing to publish.
    Keep,
    /// Published and would change: why.
    Refuse(String),
    Publish(Box<ToPublish>),
}

/// Decides one complete period of one customer: kept, refused, new or a
/// revision. Draws and writes nothing.
pub(super) fn decide(shared: &Shared, customer: &CustomerView, latest: &BTreeMap<Period, &Published>, period: Period, timings: &mut Timings) -> Result<Verdict, BuildError> {
    let Shared { prepared, root, out, revise, agreement_texts, all_results, .. } = *shared;
    if shared.unchanged.contains(&(customer.id.clone(), period)) {
        return Ok(Verdict::Keep);
    }
    let Some(all) = all_results.get(&period) else { return Ok(Verdict::Keep) };
    let results = timed(&mut timings.measure, || all.for_customer(&customer.id));
    if results.targets.iter().all(|t| t.kind != AgreementKind::Sla) {
        return Ok(Verdict::Keep);
    }
    let results_json = results_json(&results);
    // The rows digest and the comparison with what is published count as measuring.
    let (content, decision) = timed(&mut timings.measure, || {
        let content = content(prepared, root, customer, &results, &results_json, agreement_texts);
        let decision = match latest.get(&period).copied() {
            // Read back from the text, as a published results.json is read:
            // serde_json may parse a float one bit off the value written, and
            // both sides of the comparison must go through the same parse. A
            // month not published yet has nothing to be compared with.
            Some(published) => {
                let results_value: serde_json::Value = serde_json::from_str(&results_json).unwrap_or_default();
                // A month published under an earlier rule of the rows digest
                // that this version still knows has its rows compared under that rule.
                let rule = DigestRule::of(&published.manifest.content.rows).filter(|&r| r != DigestRule::CURRENT);
                let then = rule.map(|rule| Content { rows: rows_digest(prepared, &customer.id, &results, rule), ..content.clone() });
                plan::decide(out, Some(published), &Candidate { content: then.as_ref().unwrap_or(&content), results: &results_value }, revise)
            }
            None => Ok(Decision::New),
        };
        (content, decision)
    });
    let (revision, why) = match decision.map_err(|e| BuildError::Io(e.to_string()))? {
        Decision::Keep { .. } => return Ok(Verdict::Keep),
        Decision::Refuse { revision, changes } => {
            return Ok(Verdict::Refuse(format!(
                "{}/{} is published (revision {revision}) and would change:\n  - {}\n  run `slareport build --revise` to publish revision {} beside it",
                customer.id,
                period,
                changes.join("\n  - "),
                revision + 1
            )))
        }
        Decision::New => (1, None),
        Decision::Revise { revision, why } => (revision, Some(why)),
    };
    Ok(Verdict::Publish(Box::new(ToPublish { period, revision, why, results, results_json, content })))
}

fn content(
    prepared: &Prepared,
    root: &Path,
    customer: &CustomerView,
    results: &Results,
    results_json: &str,
    agreement_texts: &BTreeMap<String, Vec<u8>>,
) -> Content {
    let agreements = agreement_digests(used_agreements(prepared, results), agreement_texts);
    let note = note_digest(&prepared.notes, root, &customer.id, results.period);
    // results.json as published (it carries no trend: it is all the period's own).
    Content { results: sha256(results_json.as_bytes()), rows: rows_digest(prepared, &customer.id, results, DigestRule::CURRENT), agreements, note }
}

/// results.json as published: compact (no indentation), one line and a
/// newline. It is read back as parsed JSON only (the publishing decision,
/// the trend history, the customer index), never as text, so its layout is
/// free; pretty printing made it 70 % larger.
pub(super) fn results_json(results: &Results) -> String {
    let mut text = serde_json::to_string(results).unwrap_or_default();
    text.push('\n');
    text
}
