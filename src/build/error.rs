//! Why a build stopped.

use crate::diagnostic::Diagnostics;

/// Why a build stopped. Nothing was written in any case.
#[derive(Debug)]
pub enum BuildError {
    /// The site has errors, or the month asked for cannot be published.
    Problems(Diagnostics),
    /// Published periods would change.
    Refused(Vec<String>),
    /// Writing the site failed.
    Io(String),
}
