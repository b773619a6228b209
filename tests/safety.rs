//! Nothing lost: a build never replaces what stepwise did not make (issue "Real use", 1-3).

use crate::util::TestSite;

/// Every file under `dir`, with its bytes, for before/after comparisons.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn build_refuses_a_folder_it_did_not_make() {
    let site = TestSite::fixture("minimal");
    site.write("victim/notes.txt", "my notes");
    for _ in 0..2 {
        let run = site.run_here(&["build", "-o", "victim"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("error: victim: the output is a folder stepwise did not make"), "{}", run.stderr);
        assert!(run.stderr.contains("--force"), "the hint names the way out: {}", run.stderr);
    }
    assert_eq!(site.read("victim/notes.txt"), "my notes");
    let names: Vec<String> =
        std::fs::read_dir(&site.root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.starts_with(".victim")), "nothing made beside it: {names:?}");

    // --force: the user said so.
    let forced = site.run_here(&["build", "-o", "victim", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(site.exists("victim/index.html"));
    // From now on it is stepwise's output: no --force needed.
    let again = site.run_here(&["build", "-o", "victim"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn build_never_writes_over_the_sites_own_files() {
    let site = TestSite::fixture("minimal");
    site.write("templates/keep.html", "{# mine #}");
    site.write("themes/mine/static/logo.txt", "logo");
    let before = snapshot(&site.root);
    let cases: &[(&str, &str)] = &[
        ("content", "inside the site's `content/` folder"),
        ("content/help", "inside the site's `content/` folder"),
        ("themes", "`themes/`"),
        ("themes/mine/out", "`themes/`"),
        ("templates", "`templates/`"),
        ("site.toml", "is an existing file"),
        ("content/help/first.yaml", "is an existing file"),
        (".", "is the site folder itself"),
        ("..", "holds the site folder"),
    ];
    for (out, message) in cases {
        for force in [false, true] {
            let mut args = vec!["build", "-o", out];
            if force {
                args.push("--force");
            }
            let run = site.run_here(&args);
            assert_eq!(run.code, 2, "-o {out}: {}", run.stderr);
            assert!(run.stderr.contains(message), "-o {out}: {}", run.stderr);
        }
    }
    assert_eq!(snapshot(&site.root), before, "not one byte of the site changed");
}

#[test]
fn a_killed_build_is_cleaned_up_by_the_next() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.build().code, 0);
    // A build killed half-way left its staging folder and an unlocked lock file.
    site.write(".public.staging/zh/half.html", "<p");
    site.write(".public.staging/.stepwise-output", "x");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.exists(".public.staging"));
    assert!(!site.exists("public/zh/half.html"));
    assert!(site.exists("public/zh/index.html"));
}
