//! Incremental builds: a build after an edit makes exactly what a clean build of the same
//! content makes, rewrites only the files whose bytes changed, and a build with nothing
//! changed writes nothing at all.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use crate::util::{Run, TestSite};

/// Every file under `dir`, by relative path: its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every file under `dir`: its inode and mtime, which change whenever it is written.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// What `build` keeps in `.stepwise-cache/` to skip work on the next build (besides the
/// screenshots and the state of each output folder).
const KEPT_BETWEEN_BUILDS: &[&str] = &["decoded.bin", "search"];

/// `stepwise build` into `public/` (incremental), checked against a clean build of the
/// same content into a new folder. Returns the incremental run.
fn build_and_compare(site: &TestSite, step: &str) -> Run {
    let run = site.build();
    assert_eq!(run.code, 0, "{step}: {}", run.stderr);
    let clean_dir = site.root.join(format!("../clean-{}", step.replace(' ', "-")));
    // The clean build decodes and tokenizes every file: the caches of decoded files and
    // search entries are set aside for it, and put back for the next incremental build.
    let cache = site.root.join(".stepwise-cache");
    let aside = site.root.join("../aside");
    std::fs::create_dir_all(&aside).unwrap();
    for name in KEPT_BETWEEN_BUILDS {
        if cache.join(name).exists() {
            std::fs::rename(cache.join(name), aside.join(name)).unwrap();
        }
    }
    let clean = site.run_here(&["build", "-o", clean_dir.to_str().unwrap()]);
    assert_eq!(clean.code, 0, "{step}: {}", clean.stderr);
    for name in KEPT_BETWEEN_BUILDS {
        let _ = std::fs::remove_dir_all(cache.join(name));
        let _ = std::fs::remove_file(cache.join(name));
        if aside.join(name).exists() {
            std::fs::rename(aside.join(name), cache.join(name)).unwrap();
        }
    }
    let (incremental, clean) = (tree(&site.root.join("public")), tree(&clean_dir));
    let differ: Vec<&String> =
        incremental.keys().chain(clean.keys()).filter(|path| incremental.get(*path) != clean.get(*path)).collect();
    assert!(differ.is_empty(), "{step}: the incremental build differs from a clean one in {differ:?}");
    run
}

/// "built 51 pages …: 12 files written, 300 unchanged, 0 removed" → (12, 300, 0).
fn counts(run: &Run) -> (usize, usize, usize) {
    let line = run.stderr.lines().find(|l| l.contains(" written, ")).unwrap_or_else(|| {
        panic!("no file counts in {}", run.stderr);
    });
    let tail = &line[line.rfind(": ").unwrap() + 2..];
    let numbers: Vec<usize> =
        tail.split(", ").map(|part| part.split(' ').next().unwrap().replace(',', "").parse().unwrap()).collect();
    (numbers[0], numbers[1], numbers[2])
}

const TUTORIAL: &str = "content/payments/wechat-pay/set-payment-password.yaml";

#[test]
fn incremental_builds_match_clean_builds_through_a_series_of_edits() {
    let site = TestSite::example();
    build_and_compare(&site, "first");
    let public = site.root.join("public");

    // Nothing changed: nothing is written, and the build says so.
    let before = stamps(&public);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("is up to date"), "{}", run.stderr);
    assert_eq!(stamps(&public), before, "a build with no change rewrote files");

    // One tutorial's text: only the files whose bytes changed are written.
    let yaml = site.read(TUTORIAL).replace("en: Open WeChat, go to", "en: Open WeChat and go to");
    site.write(TUTORIAL, yaml);
    let before = stamps(&public);
    let run = build_and_compare(&site, "text edit");
    let after = stamps(&public);
    let rewritten: Vec<&String> = after.keys().filter(|p| before.get(*p) != after.get(*p)).collect();
    let (written, unchanged, removed) = counts(&run);
    assert_eq!(written, rewritten.len(), "the summary counts the files written: {rewritten:?}");
    assert_eq!(removed, 0);
    assert!(rewritten.iter().any(|p| p.as_str() == "en/payments/wechat-pay/set-payment-password/index.html"));
    assert!(!rewritten.iter().any(|p| p.starts_with("zh/")), "the Chinese pages did not change: {rewritten:?}");
    assert!(written * 5 < unchanged, "{written} written, {unchanged} unchanged");

    // A new tutorial.
    let new = site.read(TUTORIAL).replace("微信支付密码怎么修改？", "微信支付密码忘了怎么办？");
    site.write(
        "content/payments/wechat-pay/forgot-payment-password.yaml",
        new.replace("set-payment-password/", "forgot-payment-password/"),
    );
    for n in 1..=6 {
        let shot = format!("content/payments/wechat-pay/set-payment-password/step-0{n}.png");
        let bytes = std::fs::read(site.root.join(&shot)).unwrap();
        site.write(&shot.replace("set-payment-password/", "forgot-payment-password/"), bytes);
    }
    build_and_compare(&site, "add tutorial");

    // Moved to another category (its screenshots go with it).
    std::fs::rename(
        site.root.join("content/payments/wechat-pay/forgot-payment-password.yaml"),
        site.root.join("content/domestic-ec/taobao/forgot-payment-password.yaml"),
    )
    .unwrap();
    std::fs::rename(
        site.root.join("content/payments/wechat-pay/forgot-payment-password"),
        site.root.join("content/domestic-ec/taobao/forgot-payment-password"),
    )
    .unwrap();
    let run = build_and_compare(&site, "move tutorial");
    assert!(counts(&run).2 > 0, "the old pages are removed: {}", run.stdout);
    assert!(!public.join("zh/payments/wechat-pay/forgot-payment-password").exists());

    // Tags changed, then named, then renamed (`_tags.yaml` alone).
    let yaml =
        site.read(TUTORIAL).replace("tags: [wechat-pay, password, payment, security]", "tags: [wechat-pay, safety]");
    site.write(TUTORIAL, yaml);
    build_and_compare(&site, "tags");
    site.write("content/_tags.yaml", "safety: {zh: 安全, en: Safety}\n");
    build_and_compare(&site, "tag names");
    site.write("content/_tags.yaml", "safety: {zh: 账户安全, en: Account safety}\n");
    let run = build_and_compare(&site, "tag renamed");
    assert!(!run.stderr.contains("is up to date"), "a tag's new name is a change: {}", run.stderr);
    assert!(site.read("public/en/tags/safety/index.html").contains("Account safety"));

    // A screenshot's pixels changed (same name): the page's image size and file change.
    let other = std::fs::read(site.root.join("content/cross-border-ec/amazon/view-sales/step-01.png")).unwrap();
    site.write("content/payments/wechat-pay/set-payment-password/step-02.png", other);
    build_and_compare(&site, "screenshot");

    // A category's title, a new category, an author's name.
    let cat = site.read("content/payments/_category.yaml").replace("en: Payments", "en: Paying");
    site.write("content/payments/_category.yaml", cat);
    build_and_compare(&site, "category title");
    // The category its tutorials are in: their search entries show it.
    let cat = site.read("content/payments/wechat-pay/_category.yaml").replace("en: WeChat Pay", "en: WeChat wallet");
    site.write("content/payments/wechat-pay/_category.yaml", cat);
    build_and_compare(&site, "own category title");
    site.write("content/payments/cards/_category.yaml", "title: {zh: 银行卡, en: Bank cards}\n");
    let moved = site.read("content/payments/wechat-pay/bind-bank-card.yaml");
    std::fs::remove_file(site.root.join("content/payments/wechat-pay/bind-bank-card.yaml")).unwrap();
    site.write("content/payments/cards/bind-bank-card.yaml", moved);
    std::fs::rename(
        site.root.join("content/payments/wechat-pay/bind-bank-card"),
        site.root.join("content/payments/cards/bind-bank-card"),
    )
    .unwrap();
    for entry in walkdir::WalkDir::new(site.root.join("content")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let moved = text.replace("payments/wechat-pay/bind-bank-card", "payments/cards/bind-bank-card");
            if moved != text {
                std::fs::write(&path, moved).unwrap();
            }
        }
    }
    build_and_compare(&site, "new category");
    let authors = site.read("content/_authors.yaml").replace("en: Amy Chen", "en: Amy C.");
    site.write("content/_authors.yaml", authors);
    build_and_compare(&site, "author");

    // Deleted tutorial, translation records, site.toml.
    std::fs::remove_file(site.root.join("content/domestic-ec/taobao/forgot-payment-password.yaml")).unwrap();
    build_and_compare(&site, "delete tutorial");
    assert_eq!(site.run_here(&["i18n", "confirm", "--all"]).code, 0);
    build_and_compare(&site, "i18n lock");
    let toml = site.read("site.toml") + "\n# a comment changes no page\n";
    site.write("site.toml", toml);
    let run = build_and_compare(&site, "site.toml comment");
    assert!(run.stderr.contains("is up to date"), "{}", run.stderr);
    let toml = site.read("site.toml").replace("Cross-border Q&A", "Cross-border answers");
    site.write("site.toml", toml);
    let run = build_and_compare(&site, "site.toml title");
    assert!(counts(&run).0 > 30, "every English page shows the title: {}", run.stderr);

    // The caches were damaged (a disk error, another tool): they only cost time.
    let cache = site.root.join(".stepwise-cache");
    for (name, junk) in [("decoded.bin", &b"\x05\0\0\0junk"[..]), ("search/zh.bin", b""), ("search/en.bin", b"\xff")] {
        assert!(cache.join(name).is_file(), "{name} is kept between builds");
        std::fs::write(cache.join(name), junk).unwrap();
    }
    let yaml = site.read(TUTORIAL).replace("en: Open WeChat and go to", "en: Open WeChat, then go to");
    site.write(TUTORIAL, yaml);
    build_and_compare(&site, "damaged caches");

    // The output folder was edited by hand: the next build puts it right.
    std::fs::write(public.join("zh/index.html"), "tampered").unwrap();
    std::fs::remove_file(public.join("en/index.html")).unwrap();
    build_and_compare(&site, "tampered output");
}

#[test]
fn a_build_killed_after_it_started_changing_the_folder_leaves_no_state_that_lies() {
    let site = TestSite::example();
    assert_eq!(site.build().code, 0);
    // The state of the last build is removed before the folder changes and written again
    // only after it changed: a build killed in between leaves none, and the next build
    // compares the folder byte for byte. Simulated here: the state file is gone and a
    // page holds bytes no build wrote.
    let builds = site.root.join(".stepwise-cache/builds");
    let states: Vec<_> = std::fs::read_dir(&builds).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(states.len(), 1, "{states:?}");
    std::fs::remove_file(&states[0]).unwrap();
    let page = site.root.join("public/zh/index.html");
    let good = std::fs::read(&page).unwrap();
    std::fs::write(&page, b"half-written").unwrap();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&page).unwrap(), good);
    let (written, _, _) = counts(&run);
    assert_eq!(written, 1, "only the damaged page is written again: {}", run.stdout);
}
