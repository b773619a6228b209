use std::os::unix::fs::MetadataExt;

use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Every file under `dir` with its text.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = files_under(dir)
        .unwrap()
        .into_iter()
        .filter(|rel| rel != OUTPUT_MARKER)
        .map(|rel| {
            let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
            (rel, text)
        })
        .collect();
    files.sort();
    files
}

/// One build: the files given, committed; returns what it did and its manifest.
fn build(out: &Path, previous: Option<Manifest>, files: &[(&str, &str)]) -> (Report, Manifest) {
    let output = Output::open(out, previous).unwrap();
    for (path, text) in files {
        output.write(path, text.as_bytes()).unwrap();
    }
    output.commit().unwrap()
}

fn inode(path: &Path) -> (u64, i64, i64) {
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.mtime(), m.mtime_nsec())
}

#[test]
fn a_build_that_does_not_commit_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (_, manifest) = build(&out, None, &[("a.html", "one")]);
    let output = Output::open(&out, Some(manifest)).unwrap();
    output.write("a.html", b"two").unwrap();
    output.write("b.html", b"new").unwrap();
    drop(output);
    assert_eq!(tree(&out), [("a.html".to_string(), "one".to_string())]);
    assert_eq!(names(dir.path()), [".public.lock", "public"], "no staging folder left behind");
}

#[test]
fn only_what_changed_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = [("same.html", "same"), ("zh/a/index.html", "first a"), ("gone/deep/index.html", "x")];
    let (report, manifest) = build(&out, None, &first);
    assert_eq!(report.added.len(), 3);
    let same = inode(&out.join("same.html"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = [("same.html", "same"), ("zh/a/index.html", "second a, longer"), ("new/index.html", "n")];
    let (report, _) = build(&out, Some(manifest), &second);
    assert_eq!(report.unchanged, 1);
    assert_eq!(report.changed, ["zh/a/index.html"]);
    assert_eq!(report.added, ["new/index.html"]);
    assert_eq!(report.removed, ["gone/deep/index.html"]);
    assert_eq!(inode(&out.join("same.html")), same, "an unchanged file keeps its inode and mtime");
    let want: Vec<(String, String)> = second.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    let mut want = want;
    want.sort();
    assert_eq!(tree(&out), want);
    assert!(!out.join("gone").exists(), "folders left empty are removed");
    assert_eq!(names(dir.path()), [".public.lock", "public"]);
}

#[test]
fn without_a_manifest_files_are_compared_and_strays_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    std::fs::create_dir_all(out.join("zh")).unwrap();
    std::fs::write(out.join("same.html"), "same").unwrap();
    std::fs::write(out.join("zh/old.html"), "old").unwrap();
    let same = inode(&out.join("same.html"));
    let (report, _) = build(&out, None, &[("same.html", "same"), ("zh/new.html", "new")]);
    assert_eq!((report.unchanged, report.added.len(), report.removed.len()), (1, 1, 1), "{report:?}");
    assert_eq!(inode(&out.join("same.html")), same);
    assert_eq!(tree(&out), [("same.html".into(), "same".into()), ("zh/new.html".into(), "new".into())]);
}

#[test]
fn a_file_someone_changed_is_written_again_even_with_the_same_new_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (_, manifest) = build(&out, None, &[("a.html", "aaaa")]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(out.join("a.html"), "bbbb").unwrap();
    let (report, manifest) = build(&out, Some(manifest), &[("a.html", "aaaa")]);
    assert_eq!(report.changed, ["a.html"]);
    assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "aaaa");
    // And a page that was not made again is kept only if it is still what was written.
    let output = Output::open(&out, Some(manifest.clone())).unwrap();
    assert!(output.keep("a.html"));
    drop(output);
    std::fs::remove_file(out.join("a.html")).unwrap();
    let output = Output::open(&out, Some(manifest)).unwrap();
    assert!(!output.keep("a.html"), "a missing file must be made again");
}

#[test]
fn links_in_the_output_are_replaced_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outside = dir.path().join("outside.txt");
    std::fs::write(&outside, "keep").unwrap();
    build(&out, None, &[("a.html", "1"), ("b.html", "1")]);
    std::fs::remove_file(out.join("a.html")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("a.html")).unwrap();
    std::fs::remove_file(out.join("b.html")).unwrap();
    std::fs::hard_link(&outside, out.join("b.html")).unwrap();
    build(&out, None, &[("a.html", "3"), ("b.html", "3")]);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "3");
    assert!(!std::fs::symlink_metadata(out.join("a.html")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "3");
}

#[test]
fn a_killed_builds_staging_folder_is_removed_and_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let dead = dir.path().join(".public.staging");
    std::fs::create_dir_all(dead.join("zh")).unwrap();
    std::fs::write(dead.join("zh/half-written.html"), "<h").unwrap();
    std::fs::create_dir_all(dir.path().join(".public.prev/x")).unwrap();
    std::fs::write(dir.path().join(".public.prev").join(OUTPUT_MARKER), "").unwrap();
    std::fs::create_dir_all(dir.path().join(".other.prev")).unwrap();
    std::fs::write(dir.path().join(".public.lock"), "").unwrap();
    build(&out, None, &[("index.html", "ok")]);
    assert_eq!(names(dir.path()), [".other.prev", ".public.lock", "public"], "only its own leftovers go");
    assert_eq!(names(&out), [OUTPUT_MARKER, "index.html"]);
}

#[test]
fn a_running_build_keeps_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let lock = std::fs::File::create(dir.path().join(".public.lock")).unwrap();
    lock.lock().unwrap();
    assert!(matches!(Output::open(&out, None), Err(OutputError::Busy(_))));
    assert!(!out.exists());
    lock.unlock().unwrap();
    build(&out, None, &[("index.html", "ok")]);
}
