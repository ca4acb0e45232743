//! `manifest.json`: what a published period was made from.
//!
//! Two kinds of record. `inputs` are whole-file hashes of every input, kept
//! for provenance: exports grow every month, so they are never compared.
//! `content` are hashes of the period's own content, which must not change
//! once published: the figures, the rows behind them, the agreements and
//! the note the report used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const FILE: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub customer: String,
    pub period: String,
    pub revision: u32,
    /// For a revision after the first: the revision it replaces and what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_of: Option<Revision>,
    pub content: Content,
    /// Agreement id -> version, for the agreements the report used.
    pub agreement_versions: BTreeMap<String, String>,
    pub inputs: Vec<InputFile>,
    /// Every published file of the period but this one, with its hash.
    pub files: BTreeMap<String, String>,
}

/// Hashes of the period's own content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// sha256 of the period's results.json as published (it carries no
    /// trend of earlier months: the figures the period owns). Snapshots made
    /// before 2026-12 hashed its re-read JSON instead; it is a record, never
    /// compared (a published month is compared figure by figure).
    pub results: String,
    /// The measurement rows of the customer's services in the period.
    pub rows: String,
    /// Agreement id -> sha256 of its file.
    pub agreements: BTreeMap<String, String>,
    /// sha256 of the note, if there was one.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    /// A data file's rows and the stretch of time they bear on, so a later
    /// build can tell, from the file's hash alone, which months it can
    /// change (absent for other inputs, and in snapshots made before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<crate::measure::data::Reach>,
}

/// Why a revision exists: the revision it replaces and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub replaces: u32,
    pub changes: Vec<String>,
}
