//! One customer's share of a build: its complete periods decided, drawn,
//! rendered and staged one month at a time, then its to-date page and its
//! index.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::draw;
use crate::model::{AgreementKind, Site};
use crate::period::Period;
use crate::publish::{self, folder_name};
use crate::render::{CustomerSummary, CustomerView, Page};

use super::context::Shared;
use super::decide::{decide, ToPublish, Verdict};
use super::inputs::customer_inputs;
use super::pages::{customer_index, period_pages, to_date_pages, PeriodInput};
use super::timings::{timed, Timings};
use super::error::BuildError;

/// One customer's share of a build.
pub(super) struct CustomerOutcome {
    /// Its mutable pages (index, to-date); its period folders are staged.
    pages: Vec<Page>,
    /// Published periods that would change, with why.
    refusals: Vec<String>,
    summary: CustomerSummary,
    kept: usize,
    published: Vec<(String, Period, u32)>,
    /// Time spent by this customer's task in each stage.
    timings: Timings,
}

/// One customer's part of a build while its periods are decided, drawn,
/// rendered and staged one month at a time.
pub(super) struct CustomerState<'a> {
    /// Its published periods, the latest revision of each.
    latest: BTreeMap<Period, &'a publish::Published>,
    /// The other customers (whose notes a manifest leaves out).
    others: BTreeSet<String>,
    timings: Timings,
    refusals: Vec<String>,
    kept: usize,
    published: Vec<(String, Period, u32)>,
    /// Each new revision's summary and credits, for the customer index.
    new_revisions: Vec<(Period, u32, serde_json::Value, serde_json::Value)>,
}

impl<'a> CustomerState<'a> {
    fn new(shared: &Shared, customer: &CustomerView, published: &'a [publish::Published]) -> Self {
        CustomerState {
            latest: publish::latest(published),
            others: shared.prepared.site.customers().into_iter().filter(|o| *o != customer.id).map(|o| o.to_string()).collect(),
            timings: Timings::default(),
            refusals: Vec::new(),
            kept: 0,
            published: Vec::new(),
            new_revisions: Vec::new(),
        }
    }
}

/// Decides one complete period of one customer, and draws, renders and
/// stages it at once when it is to be published (holding none of it).
/// Charts come from `drawn`, shared by the customers of the month.
pub(super) fn customer_period(shared: &Shared, customer: &CustomerView, state: &mut CustomerState, period: Period, drawn: &draw::Drawn, staging: &publish::Staging) -> Result<(), BuildError> {
    let Shared { renderer, site, prepared, agreement_texts, inputs, .. } = *shared;
    shared.bar.inc(1);
    let to_publish = match decide(shared, customer, &state.latest, period, &mut state.timings)? {
        Verdict::Keep => {
            state.kept += usize::from(state.latest.contains_key(&period));
            return Ok(());
        }
        Verdict::Refuse(why) => {
            state.refusals.push(why);
            return Ok(());
        }
        Verdict::Publish(p) => *p,
    };
    let ToPublish { period, revision, why, results, results_json, content } = to_publish;
    let summary = (serde_json::to_value(&results.summary).unwrap_or_default(), serde_json::to_value(&results.credits).unwrap_or_default());
    state.new_revisions.push((period, revision, summary.0, summary.1));
    if !state.refusals.is_empty() {
        // The build is refused: nothing more is drawn.
        return Ok(());
    }
    let folder = PathBuf::from(&customer.id).join(folder_name(period, revision));
    let own_inputs = customer_inputs(inputs, agreement_texts, &results, &state.others);
    let input = PeriodInput { results: &results, results_json, revision, why, content, inputs: own_inputs };
    let period_pages = period_pages(renderer, site, customer, prepared, agreement_texts, input, &folder, drawn, &mut state.timings)?;
    timed(&mut state.timings.publish, || staging.stage(&period_pages)).map_err(|e| BuildError::Io(e.to_string()))?;
    state.published.push((customer.id.clone(), period, revision));
    Ok(())
}

/// Renders a customer's to-date page and its index once its periods are
/// done (returned: they are mutable pages).
pub(super) fn customer_pages(shared: &Shared, customer: &CustomerView, published: &[publish::Published], state: CustomerState) -> Result<CustomerOutcome, BuildError> {
    let Shared { renderer, site, .. } = *shared;
    let CustomerState { mut timings, refusals, kept, published: published_now, new_revisions, .. } = state;
    let mut pages = Vec::new();
    let to_date = match shared.to_date {
        Some(all) => {
            let results = timed(&mut timings.measure, || all.for_customer(&customer.id));
            let has_sla = results.targets.iter().any(|t| t.kind == AgreementKind::Sla);
            if has_sla {
                pages.extend(timed(&mut timings.render, || to_date_pages(renderer, site, customer, &results))?);
            }
            shared.to_date_link.clone().filter(|_| has_sla)
        }
        None => None,
    };
    let (index, summary) = timed(&mut timings.render, || customer_index(renderer, site, customer, shared.snapshots, published, &new_revisions, to_date.as_ref(), &shared.awaiting))?;
    pages.push(index);
    pages.push(Page::new(PathBuf::from(&customer.id).join("style.css"), renderer.css.clone()));
    Ok(CustomerOutcome { pages, refusals, summary, kept, published: published_now, timings })
}

pub(super) fn customers(site: &Site, only: Option<&str>) -> Result<Vec<CustomerView>, BuildError> {
    let all = site.customers();
    if let Some(c) = only {
        if !all.contains(&c) {
            return Err(BuildError::Problems(
                Diagnostic::error(format!("no SLA names customer `{c}`")).with_hint(format!("customers: {}", all.join(", "))).into(),
            ));
        }
    }
    Ok(all
        .into_iter()
        .filter(|c| only.is_none_or(|o| o == *c))
        .map(|id| CustomerView {
            id: id.to_string(),
            name: site.config.customers.get(id).map_or_else(|| id.to_string(), |c| c.name.clone()),
        })
        .collect())
}

/// What the customers of a build did, all together.
#[derive(Default)]
pub(super) struct Outcomes {
    /// The customers' mutable pages; their period folders are staged.
    pub(super) pages: Vec<Page>,
    pub(super) refusals: Vec<String>,
    pub(super) summaries: Vec<CustomerSummary>,
    pub(super) kept: usize,
    pub(super) published: Vec<(String, Period, u32)>,
    pub(super) timings: Timings,
}

/// Decides, draws, renders and stages month by month, the customers of a
/// month in parallel (the charts they share are drawn once, and only one
/// month's are held: `draw::Drawn`). Each period folder goes to disk (not
/// yet in place) as soon as its pages exist and is dropped from memory;
/// nothing is in place before the staging is committed, so a refusal
/// anywhere leaves the site as it was. Then each customer's to-date page
/// and index.
pub(super) fn run(
    shared: &Shared,
    customers: &[CustomerView],
    published_of: &BTreeMap<String, Vec<publish::Published>>,
    staging: &publish::Staging,
) -> Result<Outcomes, BuildError> {
    let mut states: Vec<CustomerState> = customers.iter().map(|c| CustomerState::new(shared, c, &published_of[&c.id])).collect();
    for &period in shared.complete {
        let drawn = draw::Drawn::default();
        customers.par_iter().zip(states.par_iter_mut()).try_for_each(|(customer, state)| customer_period(shared, customer, state, period, &drawn, staging))?;
    }
    let outcomes: Vec<Result<CustomerOutcome, BuildError>> =
        customers.par_iter().zip(states.into_par_iter()).map(|(customer, state)| customer_pages(shared, customer, &published_of[&customer.id], state)).collect();
    shared.bar.finish_and_clear();
    let mut all = Outcomes::default();
    for outcome in outcomes {
        let outcome = outcome?;
        all.refusals.extend(outcome.refusals);
        all.pages.extend(outcome.pages);
        all.summaries.push(outcome.summary);
        all.kept += outcome.kept;
        all.published.extend(outcome.published);
        all.timings.add(&outcome.timings);
    }
    Ok(all)
}
