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
