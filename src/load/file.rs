//! Reading one of the site's files safely: regular files only, inside their folder, and
//! never more than a limit.
//!
//! A site folder is input like any other: a `*.yaml` that is a link to `/dev/zero` or to
//! `/etc/passwd`, a named pipe, a socket or a folder named like a file must give a clear
//! error, not a read that never ends, a hang, or someone else's file quoted in a message.
//! So a file is read only if it is a regular file (checked on the opened file, so a
//! file swapped after the check is caught too), a link only if it leads to a file inside
//! the folder given, and at most `limit + 1` bytes are read whatever the file claims.
//! Nothing of a refused file is ever read, so no message can quote it.
//!
//! A leaf: every reader of site files (content, translation records, site.toml, themes,
//! screenshots) goes through here.

use std::fs::{File, Metadata};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

/// Why a file was not read. The messages say what the file is, never what it holds.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Nothing at the path.
    Missing,
    /// A link whose target lies outside the folder the file belongs to.
    Outside {
        folder: String,
    },
    /// A link that leads nowhere, or in a circle.
    BrokenLink,
    /// Not a regular file: a folder, a pipe, a socket, a device.
    NotRegular(&'static str),
    /// Larger than the limit (`bytes` is at least `limit + 1` when the file grew while read).
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    Io(io::Error),
}

impl ReadError {
    pub(crate) fn message(&self) -> String {
        match self {
            ReadError::Missing => "the file does not exist".into(),
            ReadError::Outside { folder } => {
                format!("the file is a link that leads outside {folder}; it was not read")
            }
            ReadError::BrokenLink => "the file is a link that leads nowhere (or in a circle)".into(),
            ReadError::NotRegular(kind) => format!("not a regular file but {kind}; it was not read"),
            ReadError::TooLarge { bytes, limit } => {
                format!("the file is {}; the limit is {}", size(*bytes, *limit), size(*limit, *limit))
            }
            ReadError::Io(e) => format!("cannot read: {e}"),
        }
    }

    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            ReadError::Outside { folder } => Some(format!("copy the file into {folder} instead of linking to it")),
            ReadError::NotRegular(_) | ReadError::BrokenLink => Some("replace it with an ordinary file".into()),
            _ => None,
        }
    }
}

/// `1.5 MB` or `300 KB`, in the unit the limit is best said in.
fn size(bytes: u64, limit: u64) -> String {
    if limit >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0).replace(".0 MB", " MB")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// A folder that links must stay inside, resolved once (`content/` is walked for
/// thousands of files). `label` names it in messages: "`content/`", "the site folder".
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    real: PathBuf,
    label: String,
}

impl Folder {
    pub(crate) fn new(path: &Path, label: impl Into<String>) -> Folder {
        Folder { real: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()), label: label.into() }
    }

    /// The folder's real path (links resolved).
    pub(crate) fn real(&self) -> &Path {
        &self.real
    }
}

/// What a path is, in words, when it is not a regular file.
pub(crate) fn kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a file")
}

/// Where `path`, a path under `folder` as a user wrote it, really is: every link in it
/// resolved, and it must end inside the folder at a regular file.
pub(crate) fn resolve(path: &Path, folder: &Folder) -> Result<PathBuf, ReadError> {
    let meta = std::fs::symlink_metadata(path).map_err(missing_or_io)?;
    let real = std::fs::canonicalize(path).map_err(|e| match meta.file_type().is_symlink() {
        true => ReadError::BrokenLink,
        false => ReadError::Io(e),
    })?;
    if !real.starts_with(&folder.real) {
        return Err(ReadError::Outside { folder: folder.label.clone() });
    }
    let meta = if meta.file_type().is_symlink() { std::fs::metadata(&real).map_err(ReadError::Io)? } else { meta };
    match kind(&meta) {
        Some(k) => Err(ReadError::NotRegular(k)),
        None => Ok(real),
    }
}

/// Reads the file at `path`, found by walking `folder` without following links (or a
/// file directly in it), if it is a regular file of at most `limit` bytes; a link is
/// read only if it leads to one inside the folder. One `lstat` more than a plain read
/// for a file that is not a link, which is every file of an ordinary site.
pub(crate) fn read(path: &Path, folder: &Folder, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::symlink_metadata(path).map_err(missing_or_io)?;
    if meta.file_type().is_symlink() {
        return read_regular(&resolve(path, folder)?, limit);
    }
    if let Some(k) = kind(&meta) {
        // Not even opened: opening a device can have effects of its own.
        return Err(ReadError::NotRegular(k));
    }
    read_regular(path, limit)
}

fn missing_or_io(e: io::Error) -> ReadError {
    match e.kind() {
        io::ErrorKind::NotFound => ReadError::Missing,
        _ => ReadError::Io(e),
    }
}

/// Reads `path` if it is a regular file of at most `limit` bytes, wherever it is (for
/// files the caller has already confined, and for showing a source line in a message).
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path).map_err(missing_or_io)?;
    // The opened file's own type and size: the path may have changed since it was checked.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(k) = kind(&meta) {
        return Err(ReadError::NotRegular(k));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { bytes: meta.len(), limit });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The limit holds while reading too: the file may grow after it was measured.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { bytes: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// Opens for reading without waiting: opening a named pipe with no writer would block
/// for ever. (Reads from a regular file are not affected by the flag.)
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_and_links_inside_only() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(&dir.path().join("in"), "`in/`");
        std::fs::create_dir_all(dir.path().join("in/sub.yaml")).unwrap();
        std::fs::write(dir.path().join("in/a.yaml"), "a: 1").unwrap();
        std::fs::write(dir.path().join("secret"), "root:x:0:0").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.yaml", dir.path().join("in/b.yaml")).unwrap();
            std::os::unix::fs::symlink("../secret", dir.path().join("in/c.yaml")).unwrap();
            std::os::unix::fs::symlink("nowhere", dir.path().join("in/d.yaml")).unwrap();
            std::os::unix::fs::symlink("e.yaml", dir.path().join("in/e.yaml")).unwrap();
        }
        let read = |name: &str| read(&dir.path().join("in").join(name), &folder, 100);
        assert_eq!(read("a.yaml").unwrap(), b"a: 1");
        assert!(matches!(read("sub.yaml"), Err(ReadError::NotRegular("a folder"))));
        assert!(matches!(read("none.yaml"), Err(ReadError::Missing)));
        #[cfg(unix)]
        {
            assert_eq!(read("b.yaml").unwrap(), b"a: 1", "a link inside the folder is fine");
            let outside = read("c.yaml").unwrap_err();
            assert_eq!(outside.message(), "the file is a link that leads outside `in/`; it was not read");
            assert!(matches!(read("d.yaml"), Err(ReadError::BrokenLink)));
            assert!(matches!(read("e.yaml"), Err(ReadError::BrokenLink)), "a link to itself");
        }
    }

    #[test]
    fn never_reads_more_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(dir.path(), "`x/`");
        std::fs::write(dir.path().join("big"), vec![b'a'; 101]).unwrap();
        std::fs::write(dir.path().join("ok"), vec![b'a'; 100]).unwrap();
        let err = read(&dir.path().join("big"), &folder, 100).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { bytes: 101, limit: 100 }), "{err:?}");
        assert_eq!(err.message(), "the file is 1 KB; the limit is 1 KB");
        assert_eq!(read(&dir.path().join("ok"), &folder, 100).unwrap().len(), 100);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_pipes_and_sockets_are_refused_without_reading_or_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(dir.path(), "`x/`");
        // /dev/zero never ends: reading it would fill the memory.
        assert!(matches!(read_regular(Path::new("/dev/zero"), 100), Err(ReadError::NotRegular("a device"))));
        // A pipe with no writer: opening it for reading would block for ever.
        let fifo = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        assert!(matches!(read(&fifo, &folder, 100), Err(ReadError::NotRegular("a named pipe (FIFO)"))));
        assert!(matches!(read_regular(&fifo, 100), Err(ReadError::NotRegular("a named pipe (FIFO)"))));
        let socket = dir.path().join("s.yaml");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        assert!(matches!(read(&socket, &folder, 100), Err(ReadError::NotRegular("a socket"))));
    }
}
