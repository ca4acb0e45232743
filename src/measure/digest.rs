//! sha256 digests, for the content of a period and the manifest of inputs.

use sha2::{Digest, Sha256};

/// Hex sha256 of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
