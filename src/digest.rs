//! sha256 digests, for the content of a period and the manifest of inputs.

use sha2::{Digest, Sha256};

/// Hex sha256 of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex sha256 and size of a file, read in blocks (a file of any size is
/// hashed in a few kB of memory).
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<(String, u64)> {
    use std::io::Read;
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&block[..n]);
        bytes += n as u64;
    }
    Ok((hasher.finalize().iter().map(|b| format!("{b:02x}")).collect(), bytes))
}

/// Values in a fixed binary form (integers and floats as 8 little-endian
/// bytes, text with its length first, an absent value as one 0 byte and a
/// present one as 1 then the value), so no two sequences of values give the
/// same bytes. [`Feed`] hashes them as they come, [`Values`] gathers them
/// to be hashed at once: both write them through this one form.
pub trait Encode {
    /// Takes the bytes of one value.
    fn bytes(&mut self, bytes: &[u8]);

    /// A byte marking what follows (a kind of row).
    fn tag(&mut self, tag: u8) -> &mut Self {
        self.bytes(&[tag]);
        self
    }

    fn int(&mut self, v: i64) -> &mut Self {
        self.bytes(&v.to_le_bytes());
        self
    }

    fn float(&mut self, v: f64) -> &mut Self {
        self.bytes(&v.to_bits().to_le_bytes());
        self
    }

    fn text(&mut self, v: &str) -> &mut Self {
        self.bytes(&(v.len() as u64).to_le_bytes());
        self.bytes(v.as_bytes());
        self
    }

    fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.tag(1).int(v),
            None => self.tag(0),
        }
    }

    fn opt_float(&mut self, v: Option<f64>) -> &mut Self {
        match v {
            Some(v) => self.tag(1).float(v),
            None => self.tag(0),
        }
    }

    fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.tag(1).text(v),
            None => self.tag(0),
        }
    }

    /// A digest of values gathered elsewhere (see [`values_digest`]), as it is.
    fn digest(&mut self, v: &[u8; 32]) -> &mut Self {
        self.bytes(v);
        self
    }
}

/// sha256 fed value by value, in the form of [`Encode`].
pub struct Feed(Sha256);

impl Default for Feed {
    fn default() -> Self {
        Feed::new()
    }
}

impl Encode for Feed {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl Feed {
    pub fn new() -> Self {
        Feed(Sha256::new())
    }

    /// The digest, in hex.
    pub fn finish(&mut self) -> String {
        let digest = std::mem::take(&mut self.0).finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The sha256 of values gathered by `write` (a long run of small values is
/// hashed in one call, not fed value by value).
pub fn values_digest(write: impl FnOnce(&mut Values)) -> [u8; 32] {
    let mut values = Values(Vec::new());
    write(&mut values);
    Sha256::digest(&values.0).into()
}

/// The sha256 of bytes, as bytes.
pub fn bytes_digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Values gathered in the form of [`Encode`], for [`values_digest`].
pub struct Values(Vec<u8>);

impl Encode for Values {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

impl Values {
    pub fn reserve(&mut self, bytes: usize) {
        self.0.reserve(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_a_feed_writes_them() {
        // A feed of (7, Some(1.5), None) and the buffer's sha256 hash the same bytes:
        // 8 bytes of 7, 1 then 8 bytes of 1.5, 0.
        let mut bytes = 7i64.to_le_bytes().to_vec();
        bytes.push(1);
        bytes.extend(1.5f64.to_bits().to_le_bytes());
        bytes.push(0);
        let direct: [u8; 32] = Sha256::digest(&bytes).into();
        let written = values_digest(|v| {
            v.int(7).opt_float(Some(1.5)).opt_float(None);
        });
        assert_eq!(written, direct);
        let mut feed = Feed::new();
        feed.int(7).opt_float(Some(1.5)).opt_float(None);
        let hex: String = direct.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(feed.finish(), hex);
    }
}
