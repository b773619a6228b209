//! A small harness in the spirit of mdBook's `BookTest`: copy a fixture site into a temp
//! folder, run `stepwise` on it, read pages, edit files, run again.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestSite {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The `error: ...` and `warning: ...` headlines, in order.
    pub fn headlines(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("error: ") || l.starts_with("warning: ")).collect()
    }
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        copy_dir(&fixture_dir(name), &root);
        TestSite { _dir: dir, root }
    }

    /// A copy of the repository's own example site (site.toml + content/ + themes/).
    pub fn example() -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
        copy_dir(&repo.join("content"), &root.join("content"));
        copy_dir(&repo.join("themes"), &root.join("themes"));
        std::fs::copy(repo.join("i18n.lock"), root.join("i18n.lock")).unwrap();
        TestSite { _dir: dir, root }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_stepwise"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .expect("run stepwise");
        Run::from(out)
    }

    /// Runs in the site folder itself, without `--root` (paths in messages are relative).
    pub fn run_here(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_stepwise"))
            .args(args)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .expect("run stepwise");
        Run::from(out)
    }

    pub fn build(&self) -> Run {
        self.run_here(&["build"])
    }

    pub fn page(&self, rel: &str) -> String {
        let path = self.root.join("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).exists()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// All `<tag ...>` openings in `html` whose text contains `needle`.
pub fn tags_with<'a>(html: &'a str, tag: &str, needle: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    html.match_indices(&open)
        .filter_map(|(i, _)| html[i..].find('>').map(|end| &html[i..=i + end]))
        .filter(|t| t.contains(needle))
        .collect()
}

/// The value of `attr="..."` in one tag.
pub fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

/// A minimal static file server on a free loopback port, for browser tests that need
/// `fetch` (which Chromium refuses on file:// pages). Serves `dir` until the process ends.
pub fn serve_dir(dir: &Path) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                let raw = line.split_whitespace().nth(1).unwrap_or("/");
                let path = raw.split('?').next().unwrap_or("/");
                let decoded = percent_decode(path);
                let mut file = dir.join(decoded.trim_start_matches('/'));
                if decoded.ends_with('/') {
                    file = file.join("index.html");
                }
                let (status, body) = match (decoded.contains(".."), std::fs::read(&file)) {
                    (false, Ok(b)) => ("200 OK", b),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let ctype = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("json") => "application/json",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("png") => "image/png",
                    Some("jpg") => "image/jpeg",
                    _ => "application/octet-stream",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'%', Some(v)) = (bytes[i], hex) {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Headless Chromium with a throw-away profile, no background network traffic and no
/// first-run pages; callers add what their test needs. `.ci/run` installs Chromium;
/// without it the browser tests fail with that instruction, never skip.
pub fn headless_chromium(profile: &Path) -> Command {
    let browser = std::env::var_os("STEPWISE_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect("browser tests need Chromium: `apt-get install chromium` (or set STEPWISE_CHROMIUM)")
    });
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}
