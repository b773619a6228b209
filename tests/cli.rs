//! `check`, `new`, `init` and exit codes.

use crate::util::TestSite;

/// Every file under `dir` (hidden ones included) with its bytes.
fn every_file(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = if e.file_type().is_file() { std::fs::read(e.path()).unwrap() } else { Vec::new() };
            (rel, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn check_writes_nothing_and_strict_counts_warnings() {
    let site = TestSite::fixture("good");
    let before = every_file(&site.root);
    let run = site.run_here(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: content/shop/orders/change-address.yaml:11:9"));
    assert_eq!(every_file(&site.root), before, "check wrote no file or folder (no cache, no marks)");
    // The same on the example site, with its screenshots and translation records.
    let example = TestSite::example();
    let before = every_file(&example.root);
    assert_eq!(example.run_here(&["check"]).code, 0);
    assert_eq!(every_file(&example.root), before);
    let strict = site.run_here(&["check", "--strict"]);
    assert_eq!(strict.code, 1);
}

#[test]
fn check_fails_on_errors() {
    let site = TestSite::fixture("minimal");
    site.write("content/help/first.yaml", "title: x\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("the tutorial has no `date`"));
    assert!(run.stderr.contains("the tutorial has no `steps`"));
}

#[test]
fn new_writes_a_skeleton_with_every_language() {
    let site = TestSite::fixture("minimal");
    let run = site.run(&["new", "billing/invoices/download-invoice"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("created "), "{}", run.stdout);
    assert!(run.stdout.contains("content/billing/invoices/download-invoice.yaml"), "{}", run.stdout);
    let text = site.read("content/billing/invoices/download-invoice.yaml");
    assert!(text.contains(
        "title:\n  zh: \"TODO: the question, as a reader asks it\"\n  en: \"TODO: the question, as a reader asks it\"\n"
    ));
    assert!(site.exists("content/billing/_category.yaml"));
    assert!(site.exists("content/billing/invoices/_category.yaml"));
    // It exists now: a second `new` refuses.
    let again = site.run(&["new", "billing/invoices/download-invoice"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"));
    // A bad id is refused.
    assert_eq!(site.run(&["new", "Bad Name"]).code, 1);
}

#[test]
fn init_makes_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("help");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stepwise")).args(["init"]).arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let build =
        std::process::Command::new(env!("CARGO_BIN_EXE_stepwise")).arg("build").current_dir(&target).output().unwrap();
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let page = std::fs::read_to_string(target.join("public/en/getting-started/change-nickname/index.html")).unwrap();
    assert!(page.contains("class=\"callout\""));
    // Not empty any more: init refuses.
    let again =
        std::process::Command::new(env!("CARGO_BIN_EXE_stepwise")).args(["init"]).arg(&target).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.run(&["frobnicate"]).code, 2);
    let missing = TestSite::fixture("minimal");
    std::fs::remove_file(missing.root.join("site.toml")).unwrap();
    for verb in [&["build"][..], &["check"], &["i18n", "status"], &["new", "a/b"]] {
        let run = missing.run(verb);
        assert_eq!(run.code, 2, "{verb:?}: {}", run.stderr);
        assert!(run.stderr.contains("not a stepwise site: no site.toml in "), "{verb:?}: {}", run.stderr);
        assert!(!run.stderr.contains("previous output"), "{verb:?}: {}", run.stderr);
    }
}

#[test]
fn build_timings_say_where_the_time_went() {
    let site = TestSite::fixture("minimal");
    let plain = site.run(&["build"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stderr.contains("timings"), "only when asked");
    let run = site.run(&["build", "--timings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let phases = ["load content and templates", "screenshots", "pages and machine files", "threads rendering pages"];
    for phase in phases {
        let line = run
            .stderr
            .lines()
            .find(|l| l.trim_start().starts_with(phase))
            .unwrap_or_else(|| panic!("{phase}: {}", run.stderr));
        assert!(line.trim_end().ends_with("ms") || line.contains("ms ("), "{line}");
    }
}
