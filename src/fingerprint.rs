//! Fingerprints: 64-bit digests (XXH3) of what a build was made from and of what it
//! wrote, to tell without comparing everything whether something changed. A leaf.
//!
//! Not a cryptographic hash: nothing here defends against crafted collisions (a site's
//! own files decide its build), and a cold build hashes every byte it writes (370 MB
//! at 10,000 tutorials), which XXH3 does several times faster than BLAKE3.

use std::fmt;

/// Feeds values into one digest; fields are length-prefixed, so `("ab", "c")` and
/// `("a", "bc")` differ.
#[derive(Default, Clone)]
pub(crate) struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Fingerprint {
    pub(crate) fn new() -> Fingerprint {
        Fingerprint::default()
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.update(&v.to_le_bytes());
        self
    }

    /// A value's `Debug` form: for types whose `Debug` output is deterministic (no hash
    /// maps inside).
    pub(crate) fn debug(&mut self, value: &impl fmt::Debug) -> &mut Self {
        self.str(&format!("{value:?}"))
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// The running program: its version, and its file's size and time (a rebuilt program may
/// make other output from the same input).
pub(crate) fn program() -> u64 {
    static PROGRAM: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *PROGRAM.get_or_init(|| {
        let mut f = Fingerprint::new();
        f.str(env!("CARGO_PKG_VERSION"));
        if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
            f.u64(meta.len()).debug(&meta.modified().ok());
        }
        f.finish()
    })
}

/// The fingerprint of one piece of bytes.
pub(crate) fn of_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_delimited() {
        let a = Fingerprint::new().str("ab").str("c").finish();
        let b = Fingerprint::new().str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_eq!(of_bytes(b"x"), of_bytes(b"x"));
    }
}
