//! Where rendered files go. The pipeline hands every output file to a [`Sink`]: the
//! output folder of a build ([`FolderSink`], which writes only what changed), nothing
//! at all for `check` ([`NullSink`]), the preview server's memory ([`MemorySink`]).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::output::Output;

pub(crate) trait Sink: Sync {
    /// A rendered file (a page, a feed, a search index, a theme file) at `path`,
    /// output-relative and `/`-separated.
    fn page(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;

    /// A file made elsewhere (a screenshot in the cache, an original in `content/`),
    /// named by its content.
    fn file(&self, path: &str, from: &Path) -> io::Result<()>;

    /// Where the files go, for messages.
    fn location(&self) -> PathBuf;
}

/// `build`: into the output folder (see `output`). Counts the time threads spend writing.
pub(crate) struct FolderSink<'a> {
    output: &'a Output,
    writing: AtomicU64,
}

impl<'a> FolderSink<'a> {
    pub(crate) fn new(output: &'a Output) -> FolderSink<'a> {
        FolderSink { output, writing: AtomicU64::new(0) }
    }

    /// Time spent writing, summed over threads.
    pub(crate) fn writing(&self) -> Duration {
        Duration::from_nanos(self.writing.load(Ordering::Relaxed))
    }
}

impl Sink for FolderSink<'_> {
    fn page(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let start = Instant::now();
        let written = self.output.write(path, &bytes);
        self.writing.fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        written
    }

    fn file(&self, path: &str, from: &Path) -> io::Result<()> {
        self.output.copy(path, from)
    }

    fn location(&self) -> PathBuf {
        self.output.staging().to_path_buf()
    }
}

/// `check`: every file is made and dropped.
pub(crate) struct NullSink;

impl Sink for NullSink {
    fn page(&self, _: &str, _: Vec<u8>) -> io::Result<()> {
        Ok(())
    }

    fn file(&self, _: &str, _: &Path) -> io::Result<()> {
        Ok(())
    }

    fn location(&self) -> PathBuf {
        PathBuf::new()
    }
}

/// What a served path holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    Bytes(Arc<Vec<u8>>),
    /// A screenshot file in the image cache or the content folder, read when requested.
    File(PathBuf),
}

/// `serve`: collects the files, for the server to swap into what it serves.
#[derive(Default)]
pub(crate) struct MemorySink {
    files: Mutex<Vec<(String, Body)>>,
}

impl MemorySink {
    pub(crate) fn into_files(self) -> Vec<(String, Body)> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, path: &str, body: Body) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push((path.to_string(), body));
    }
}

impl Sink for MemorySink {
    fn page(&self, path: &str, mut bytes: Vec<u8>) -> io::Result<()> {
        // Kept: without the room a page was rendered into.
        bytes.shrink_to_fit();
        self.push(path, Body::Bytes(Arc::new(bytes)));
        Ok(())
    }

    fn file(&self, path: &str, from: &Path) -> io::Result<()> {
        self.push(path, Body::File(from.to_path_buf()));
        Ok(())
    }

    fn location(&self) -> PathBuf {
        PathBuf::from("(memory)")
    }
}
