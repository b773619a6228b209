//! Fingerprints: 64-bit digests (BLAKE3) of what a build was made from and of what it
//! wrote, to tell without comparing everything whether something changed. A leaf.

use std::fmt;

/// Feeds values into one digest; fields are length-prefixed, so `("ab", "c")` and
/// `("a", "bc")` differ.
#[derive(Default, Clone)]
pub(crate) struct Fingerprint(blake3::Hasher);

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
        let hash = self.0.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        u64::from_le_bytes(first)
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
    Fingerprint::new().bytes(bytes).finish()
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
