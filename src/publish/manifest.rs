//! `manifest.json`: what a published period was made from.
//!
//! Two kinds of record. `inputs` are whole-file hashes of every input, kept
//! for provenance: exports grow every month, so they are never compared.
//! `content` are hashes of the period's own content, which must not change
//! once published: the figures, the rows behind them, the agreements and
//! the note the report used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FILE: &str = "manifest.json";

/// Hex sha256 of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub customer: String,
    pub period: String,
    pub revision: u32,
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
    /// results.json of the period.
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
}

impl Content {
    /// What differs between a published period's content and a new one, in
    /// words, or nothing when they agree.
    pub fn differences(&self, new: &Content) -> Vec<String> {
        let mut out = Vec::new();
        if self.results != new.results {
            out.push("its figures (results.json) changed".to_string());
        }
        if self.rows != new.rows {
            out.push("measurement rows of the period changed".to_string());
        }
        for (id, hash) in &new.agreements {
            match self.agreements.get(id) {
                None => out.push(format!("agreement `{id}` is new to it")),
                Some(h) if h != hash => out.push(format!("agreement `{id}` changed")),
                _ => {}
            }
        }
        for id in self.agreements.keys() {
            if !new.agreements.contains_key(id) {
                out.push(format!("agreement `{id}` is no longer used"));
            }
        }
        if self.note != new.note {
            out.push("its note changed".to_string());
        }
        out
    }
}
