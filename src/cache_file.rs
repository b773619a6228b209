//! The files of `.stepwise-cache/` that keep decoded data between builds (decoded
//! tutorial files, search entries): a header, then frames (a little-endian `u32` length,
//! then a postcard message), read one at a time so that reading never holds a whole file
//! and its decoded form at once (at 100,000 tutorials such a file is hundreds of MB).
//!
//! The header names the file's format and its epoch (what every entry was made with: the
//! program, the languages...); a file of another format or epoch is not read at all. A
//! file is written through a temporary file and a rename: a killed build leaves the old
//! file or the new one, never half of one. What reads a file treats any error as "no
//! cache": it only costs time.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A frame larger than this is not read (a damaged length).
const MAX_FRAME: usize = 64 << 20;

#[derive(Serialize, Deserialize)]
struct Header {
    format: u64,
    epoch: u64,
    /// The number of frames after the header.
    frames: u64,
}

/// Reads the frames of one file in order.
pub(crate) struct Reader {
    r: BufReader<std::fs::File>,
    buf: Vec<u8>,
    left: u64,
}

impl Reader {
    /// The file at `path`, if it was written with `format` and `epoch`.
    pub(crate) fn open(path: &Path, format: u64, epoch: u64) -> std::io::Result<Reader> {
        let r = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
        let mut reader = Reader { r, buf: Vec::new(), left: 1 };
        let header: Header = reader.next()?;
        if header.format != format || header.epoch != epoch {
            return Err(std::io::Error::other("made by another program or for another site"));
        }
        reader.left = header.frames;
        Ok(reader)
    }

    /// The next frame.
    pub(crate) fn next<T: DeserializeOwned>(&mut self) -> std::io::Result<T> {
        let mut buf = std::mem::take(&mut self.buf);
        self.next_bytes(&mut buf)?;
        let value = postcard::from_bytes(&buf).map_err(std::io::Error::other);
        self.buf = buf;
        value
    }

    /// Every frame left, decoded in parallel a batch at a time (the bytes of one batch
    /// are held at once, not the whole file's).
    pub(crate) fn rest<T: DeserializeOwned + Send>(mut self) -> std::io::Result<Vec<T>> {
        const BATCH: usize = 2048;
        let mut values = Vec::with_capacity(usize::try_from(self.left).unwrap_or(0).min(1 << 20));
        let mut batch: Vec<Vec<u8>> = Vec::new();
        while self.left > 0 {
            batch.clear();
            while self.left > 0 && batch.len() < BATCH {
                let mut bytes = Vec::new();
                self.next_bytes(&mut bytes)?;
                batch.push(bytes);
            }
            let decoded: Result<Vec<T>, _> = batch.par_iter().map(|b| postcard::from_bytes(b)).collect();
            values.extend(decoded.map_err(std::io::Error::other)?);
        }
        Ok(values)
    }

    /// The next frame's bytes, into `buf`.
    fn next_bytes(&mut self, buf: &mut Vec<u8>) -> std::io::Result<()> {
        if self.left == 0 {
            return Err(std::io::Error::other("no frame left"));
        }
        self.left -= 1;
        let mut len = [0u8; 4];
        self.r.read_exact(&mut len)?;
        let len = u32::from_le_bytes(len) as usize;
        if len > MAX_FRAME {
            return Err(std::io::Error::other("a frame too large"));
        }
        buf.resize(len, 0);
        self.r.read_exact(buf)
    }
}

/// `name` as a file name of `.stepwise-cache/`: ASCII letters, digits and `-`, anything
/// else `_` (a language code, an output folder's name).
pub(crate) fn safe_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// Writes under way on threads of their own ([`write_later`]).
static PENDING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());
/// Numbers the temporary files of one process.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// Runs `write` (a cache file's [`write`]) on a thread of its own, so that the build goes
/// on meanwhile; [`finish_writes`] waits for it. If no thread can be made, nothing is
/// written: a cache only saves time.
pub(crate) fn write_later(write: impl FnOnce() + Send + 'static) {
    if let Ok(handle) = std::thread::Builder::new().name("cache-write".into()).spawn(write) {
        PENDING.lock().unwrap_or_else(|e| e.into_inner()).push(handle);
    }
}

/// Waits for every write [`write_later`] started.
pub(crate) fn finish_writes() {
    let pending = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|e| e.into_inner()));
    for handle in pending {
        let _ = handle.join();
    }
}

/// Writes a file of `frames` frames, which `fill` hands to the writer in order.
pub(crate) fn write(
    path: &Path,
    format: u64,
    epoch: u64,
    frames: u64,
    fill: impl FnOnce(&mut Writer) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().map_or_else(|| "cache".into(), |n| n.to_string_lossy().into_owned());
    // A temporary name of its own: two writes of one file never mix.
    let n = TEMPORARY.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_file_name(format!("{name}.{}-{n}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut writer = Writer { w: BufWriter::with_capacity(1 << 16, file), buf: Vec::new(), left: 1 };
        writer.put(&Header { format, epoch, frames })?;
        writer.left = frames;
        fill(&mut writer)?;
        if writer.left != 0 {
            return Err(std::io::Error::other("fewer frames than announced"));
        }
        writer.w.flush()
    })();
    match result {
        Ok(()) => {
            std::fs::rename(&tmp, path)?;
            remove_leftovers(path, &name);
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Removes the temporary files of `path` that killed builds left, once they are old
/// enough that no running build can still be writing them.
fn remove_leftovers(path: &Path, name: &str) {
    const OLD: std::time::Duration = std::time::Duration::from_secs(3600);
    let Some(Ok(entries)) = path.parent().map(std::fs::read_dir) else { return };
    let prefix = format!("{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > OLD));
        if file_name.starts_with(&prefix) && file_name.ends_with(".tmp") && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes the frames of one file.
pub(crate) struct Writer {
    w: BufWriter<std::fs::File>,
    buf: Vec<u8>,
    left: u64,
}

impl Writer {
    pub(crate) fn put<T: Serialize + ?Sized>(&mut self, value: &T) -> std::io::Result<()> {
        if self.left == 0 {
            return Err(std::io::Error::other("more frames than announced"));
        }
        self.left -= 1;
        self.buf.clear();
        let bytes = postcard::to_extend(value, std::mem::take(&mut self.buf)).map_err(std::io::Error::other)?;
        let len = u32::try_from(bytes.len()).ok().filter(|&l| l as usize <= MAX_FRAME);
        let len = len.ok_or_else(|| std::io::Error::other("a frame too large"))?;
        self.w.write_all(&len.to_le_bytes())?;
        self.w.write_all(&bytes)?;
        self.buf = bytes;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_come_back_in_order_and_only_for_their_epoch() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.bin");
        write(&path, 1, 7, 2, |w| {
            w.put(&("a".to_string(), 1u64))?;
            w.put(&vec![1u32, 2, 3])
        })
        .unwrap();
        let mut r = Reader::open(&path, 1, 7).unwrap();
        assert_eq!(r.next::<(String, u64)>().unwrap(), ("a".to_string(), 1));
        assert_eq!(r.next::<Vec<u32>>().unwrap(), [1, 2, 3]);
        assert!(r.next::<u8>().is_err(), "no frame past the count");
        let mut r = Reader::open(&path, 1, 7).unwrap();
        assert_eq!(r.next::<(String, u64)>().unwrap(), ("a".to_string(), 1));
        assert_eq!(r.rest::<Vec<u32>>().unwrap(), [vec![1, 2, 3]]);
        assert!(Reader::open(&path, 1, 8).is_err());
        assert!(Reader::open(&path, 2, 7).is_err());
        // Only the final file is left.
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn a_short_or_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        write(&path, 1, 1, 1, |w| w.put(&5u8)).unwrap();
        assert!(write(&path, 1, 1, 2, |w| w.put(&6u8)).is_err());
        assert!(write(&path, 1, 1, 1, |_| Err(std::io::Error::other("killed"))).is_err());
        let mut r = Reader::open(&path, 1, 1).unwrap();
        assert_eq!(r.next::<u8>().unwrap(), 5);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_killed_write_leaves_a_temporary_file_that_a_later_write_removes_when_old() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        let old = dir.path().join("x.bin.123-0.tmp");
        let recent = dir.path().join("x.bin.124-0.tmp");
        let other = dir.path().join("y.bin.123-0.tmp");
        for p in [&old, &recent, &other] {
            std::fs::write(p, b"half").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for p in [&old, &other] {
            std::fs::File::options().write(true).open(p).unwrap().set_modified(two_hours_ago).unwrap();
        }
        write(&path, 1, 1, 1, |w| w.put(&5u8)).unwrap();
        assert!(!old.exists(), "an hour-old leftover of this file is removed");
        assert!(recent.exists(), "a recent one may be a running build's");
        assert!(other.exists(), "another file's is left to its own writes");
    }

    #[test]
    fn a_cut_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        write(&path, 1, 1, 1, |w| w.put(&"a long enough text".to_string())).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        for cut in 0..bytes.len() {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            if let Ok(mut r) = Reader::open(&path, 1, 1) {
                assert!(r.next::<String>().is_err(), "cut at {cut}");
            }
        }
    }
}
