//! The publishing plan: for each period of each customer, whether it is new,
//! kept as published, refused, or published as a new revision, and why.
//!
//! A published period is compared with what it would hold now on its own
//! content only:
//! - its own figures: results.json, which carries no trend of earlier months
//!   (each earlier month has a snapshot of its own, so a correction to
//!   February revises February, and March keeps the trend it was published
//!   with on its pages);
//! - the rows behind them as they stood at the period's end;
//! - the agreement versions it used and its note.
//!
//! A change is described figure by figure ("acme-email/availability (email):
//! 96.188% -> 96.101%, credit 15% -> 15%"), so a refusal says exactly what
//! would change, and a revision carries the same words as the reason it
//! exists.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::manifest::{Content, Manifest, Revision};
use super::Published;
use crate::measure::format::format_value;
use crate::measure::results::{History, TrendPoint};

/// What publishing does with one period of one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not published yet: publish revision 1.
    New,
    /// Published, and its content is the same: left byte for byte.
    Keep { revision: u32 },
    /// Published, and its content would change: refused.
    Refuse { revision: u32, changes: Vec<String> },
    /// Published, and its content changed: publish `revision` beside it.
    Revise { revision: u32, why: Revision },
}


/// A period as it would be published now.
pub struct Candidate<'a> {
    pub content: &'a Content,
    /// results.json as it would be published.
    pub results: &'a Value,
}

/// Decides what to do with a period, given its latest published revision.
pub fn decide(out: &Path, published: Option<&Published>, candidate: &Candidate, revise: bool) -> io::Result<Decision> {
    let Some(p) = published else { return Ok(Decision::New) };
    let old = read_results(out, p)?;
    let changes = changes(&p.manifest, &old, candidate);
    Ok(if changes.is_empty() {
        Decision::Keep { revision: p.revision }
    } else if revise {
        Decision::Revise { revision: p.revision + 1, why: Revision { replaces: p.revision, changes } }
    } else {
        Decision::Refuse { revision: p.revision, changes }
    })
}

/// The results.json of a published period.
pub fn read_results(out: &Path, p: &Published) -> io::Result<Value> {
    let path = out.join(&p.folder).join("results.json");
    let text = std::fs::read_to_string(&path).map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
}

/// Results as a period owns them now, from a results.json published under
/// an earlier rule: without the trend of earlier months (each month's figure
/// is in its own results.json), and without the days and tickets of OLA and
/// UPC rows (only an SLA's row lists them: it alone has a card that shows
/// them). What was left out is no change to a figure.
fn own_figures(results: &Value) -> Value {
    let mut v = results.clone();
    if let Some(targets) = v.get_mut("targets").and_then(Value::as_array_mut) {
        for t in targets {
            let sla = t["kind"] == "sla";
            if let Some(t) = t.as_object_mut() {
                t.remove("trend");
                if !sla {
                    t.remove("daily");
                    t.remove("tickets");
                }
            }
        }
    }
    v
}

/// Every difference between a published period and its candidate, in words.
fn changes(manifest: &Manifest, old: &Value, new: &Candidate) -> Vec<String> {
    // (Only a results.json published before the trend, or the days and
    // tickets of OLA and UPC rows, were left out has them.)
    let mut out = figure_changes(&own_figures(old), new.results);
    let (was, now) = (&manifest.content, new.content);
    let same_rule = was.rows.split_once(':').map(|(r, _)| r) == now.rows.split_once(':').map(|(r, _)| r);
    if same_rule && was.rows != now.rows {
        out.push("measurement rows behind the period changed".to_string());
    }
    for (id, hash) in &now.agreements {
        match was.agreements.get(id) {
            None => out.push(format!("agreement `{id}` is new to it")),
            Some(h) if h != hash => out.push(format!("agreement `{id}` changed")),
            _ => {}
        }
    }
    for id in was.agreements.keys() {
        if !now.agreements.contains_key(id) {
            out.push(format!("agreement `{id}` is no longer used"));
        }
    }
    if was.note != now.note {
        out.push("its note changed".to_string());
    }
    out
}

/// A target's key and its figure, from results.json.
fn targets(results: &Value) -> BTreeMap<String, &Value> {
    results["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| (format!("{}/{} ({})", text(&t["agreement"]), text(&t["target"]), text(&t["service"])), t))
        .collect()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn shown(t: &Value) -> String {
    format_value(t["value"].as_f64(), text(&t["unit"]))
}

fn credit(t: &Value) -> String {
    format!("{}%", t["credit_percent"].as_f64().unwrap_or(0.0))
}

/// Figure by figure, then section by section.
fn figure_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (before, after) = (targets(old), targets(new));
    for (key, t) in &after {
        match before.get(key) {
            None => out.push(format!("{key}: new target, {}", shown(t))),
            Some(o) if o != t => {
                let same = shown(o) == shown(t) && o["status"] == t["status"] && o["credit_percent"] == t["credit_percent"];
                if same {
                    let what: Vec<&str> = ["attribution", "basis", "remarks", "daily", "tickets", "budget", "coverage", "rule", "changes"]
                        .into_iter()
                        .filter(|f| o[*f] != t[*f])
                        .collect();
                    out.push(format!("{key}: {} unchanged, but its {} changed", shown(t), what.join(", ")));
                    continue;
                }
                let mut line = format!("{key}: {} -> {}", shown(o), shown(t));
                if o["status"] != t["status"] {
                    line.push_str(&format!(" ({} -> {})", text(&o["status"]), text(&t["status"])));
                }
                line.push_str(&format!(", credit {} -> {}", credit(o), credit(t)));
                out.push(line);
            }
            _ => {}
        }
    }
    // Rows of underpinning agreements on services none of the customer's
    // SLAs cover were listed before results were scoped to the customer's
    // services (the rule of `Results::for_customer`: such rows are left out
    // when their agreement has a row on one of those services, and an
    // agreement with none is listed whole): no longer listing them is no
    // change to what the customer is shown.
    let sla = |t: &Value| text(&t["kind"]) == "sla";
    let services: std::collections::BTreeSet<&str> = after.values().filter(|t| sla(t)).map(|t| text(&t["service"])).collect();
    let reaching: std::collections::BTreeSet<&str> =
        after.values().filter(|t| !sla(t) && services.contains(text(&t["service"]))).map(|t| text(&t["agreement"])).collect();
    for (key, t) in &before {
        let out_of_scope = !sla(t) && !services.contains(text(&t["service"])) && reaching.contains(text(&t["agreement"]));
        if !after.contains_key(key) && !out_of_scope {
            out.push(format!("{key}: no longer reported"));
        }
    }
    // Corrections, one by one, with their reasons.
    let listed = |v: &Value| v.get("corrections").and_then(Value::as_array).cloned().unwrap_or_default();
    let (was, now) = (listed(old), listed(new));
    for c in now.iter().filter(|c| !was.contains(c)) {
        out.push(format!("correction of {} by {}: {} (reason: {})", text(&c["date"]), text(&c["by"]), text(&c["change"]), text(&c["reason"])));
    }
    for c in was.iter().filter(|c| !now.contains(c)) {
        out.push(format!("correction of {} by {} withdrawn: {}", text(&c["date"]), text(&c["by"]), text(&c["change"])));
    }
    let sections = [
        ("agreements", "its agreements' review status"),
        ("reviews", "its service review"),
        ("actions", "its improvement actions"),
        ("tickets", "its tickets by priority"),
    ];
    for (field, words) in sections {
        if old.get(field) != new.get(field) {
            out.push(format!("{words} changed"));
        }
    }
    out
}

/// What later builds read of a published period's results.json: its
/// summary and credits (the customer index) and each target's figure (the
/// trend history). Read once per build, skipping everything else.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Snapshot {
    #[serde(default)]
    pub summary: Value,
    #[serde(default)]
    pub credits: Value,
    #[serde(default)]
    targets: Vec<SnapshotFigure>,
}

#[derive(Debug, Clone, Deserialize)]
struct SnapshotFigure {
    #[serde(default)]
    agreement: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    value: Option<f64>,
    status: crate::measure::exact::Status,
}

/// Reads what [`Snapshot`] keeps of a published period's results.json.
pub fn read_snapshot(out: &Path, p: &Published) -> io::Result<Snapshot> {
    let path = out.join(&p.folder).join("results.json");
    let bytes = std::fs::read(&path).map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
}

/// The figures of every published period of `published` (the latest
/// revision of each), as trend points for later months, from its snapshots
/// (by folder; periods without one are left out).
pub fn history_of(published: &[Published], snapshots: &BTreeMap<std::path::PathBuf, Snapshot>) -> History {
    let mut history = History::default();
    for p in super::latest(published).values() {
        let Some(snapshot) = snapshots.get(&p.folder) else { continue };
        for t in &snapshot.targets {
            let point = TrendPoint { period: p.period, value: t.value, status: t.status };
            history.insert(&t.agreement, &t.target, &t.service, point);
        }
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(agreement: &str, kind: &str, service: &str, value: f64) -> Value {
        json!({"agreement": agreement, "kind": kind, "target": "availability", "service": service, "unit": "%", "value": value, "status": "met", "credit_percent": 0.0})
    }

    #[test]
    fn rows_of_other_customers_services_no_longer_listed_are_no_change() {
        // Published before results were scoped: the SLA on email, and the
        // OLA on email and on vpn (a service the customer has no SLA on).
        let old = json!({"targets": [row("sla", "sla", "email", 99.9), row("ola", "ola", "email", 99.8), row("ola", "ola", "vpn", 99.7)]});
        let scoped = json!({"targets": [row("sla", "sla", "email", 99.9), row("ola", "ola", "email", 99.8)]});
        assert_eq!(figure_changes(&old, &scoped), Vec::<String>::new());
        // A row on the customer's own service going missing is a change.
        let lost = json!({"targets": [row("sla", "sla", "email", 99.9)]});
        assert_eq!(
            figure_changes(&old, &lost),
            ["ola/availability (email): no longer reported", "ola/availability (vpn): no longer reported"]
        );
        // An agreement with no row on the customer's services is listed
        // whole: its rows going missing is a change.
        let whole = json!({"targets": [row("sla", "sla", "email", 99.9), row("net", "ola", "vpn", 99.5)]});
        let gone = json!({"targets": [row("sla", "sla", "email", 99.9)]});
        assert_eq!(figure_changes(&whole, &gone), ["net/availability (vpn): no longer reported"]);
    }

    #[test]
    fn days_and_tickets_of_underpinning_rows_published_before_are_no_change() {
        let day = |d: &str, v: f64| json!({"date": d, "value": v, "status": "met"});
        let ticket = json!({"id": "INC-1", "elapsed_seconds": 60.0, "within": true});
        let with_lists = |mut r: Value, days: Vec<Value>| {
            r["daily"] = json!(days);
            r["tickets"] = json!([ticket.clone()]);
            r
        };
        // Published when every row listed its days and tickets.
        let old = json!({"targets": [
            with_lists(row("sla", "sla", "email", 99.9), vec![day("2026-10-01", 99.9)]),
            with_lists(row("ola", "ola", "email", 99.8), vec![day("2026-10-01", 99.8)]),
        ]});
        // Now only the SLA's row lists them.
        let now = json!({"targets": [
            with_lists(row("sla", "sla", "email", 99.9), vec![day("2026-10-01", 99.9)]),
            row("ola", "ola", "email", 99.8),
        ]});
        assert_eq!(figure_changes(&own_figures(&old), &now), Vec::<String>::new());
        // An SLA's days are still its own: one day changed is a change.
        let moved = json!({"targets": [
            with_lists(row("sla", "sla", "email", 99.9), vec![day("2026-10-01", 99.7)]),
            row("ola", "ola", "email", 99.8),
        ]});
        assert_eq!(figure_changes(&own_figures(&old), &moved), ["sla/availability (email): 99.9% unchanged, but its daily changed"]);
    }
}
