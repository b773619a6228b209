//! Hostile files in a site folder: links leading out, devices, pipes, sockets, folders
//! named like files, files over the limit. Each must give an error naming the file (and
//! what it is), never a read without end, a hang, or another file's text quoted.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, TestSite};

/// The first line of `/etc/passwd` starts like this on every Unix.
const PASSWD: &str = "root:";

/// Runs stepwise with a time limit and an address-space limit, so that a version that
/// reads `/dev/zero` without end or waits on a pipe fails the test instead of the machine.
fn run_bounded(site: &TestSite, args: &[&str]) -> Run {
    const LIMIT: Duration = Duration::from_secs(30);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_stepwise"))
        .args(args)
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("stepwise {args:?} still running after {LIMIT:?}: it waits on something");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &std::path::Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn yaml_files_that_are_not_regular_files_are_refused_without_reading_them() {
    let site = TestSite::fixture("minimal");
    let help = site.root.join("content/help");
    symlink("/dev/zero", help.join("zero.yaml")).unwrap();
    symlink("/etc/passwd", help.join("passwd.yaml")).unwrap();
    mkfifo(&help.join("pipe.yaml"));
    std::fs::create_dir(help.join("folder.yaml")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(help.join("socket.yaml")).unwrap();
    symlink("loop.yaml", help.join("loop.yaml")).unwrap();

    let run = run_bounded(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.headlines(),
        vec![
            "error: content/help/loop.yaml: the file is a link that leads nowhere (or in a circle)",
            "error: content/help/passwd.yaml: the file is a link that leads outside `content/`; it was not read",
            "error: content/help/pipe.yaml: not a regular file but a named pipe (FIFO); it was not read",
            "error: content/help/socket.yaml: not a regular file but a socket; it was not read",
            "error: content/help/zero.yaml: the file is a link that leads outside `content/`; it was not read",
        ],
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(PASSWD), "another file's text is quoted: {}", run.stderr);
    assert!(run.stderr.contains("hint: copy the file into `content/` instead of linking to it"), "{}", run.stderr);
}

#[test]
fn a_device_inside_content_is_refused_and_the_size_limit_holds() {
    let site = TestSite::fixture("minimal");
    // A device node inside content/ (not a link leading out): refused for what it is.
    let made = Command::new("mknod").arg(site.root.join("content/help/zero.yaml")).args(["c", "1", "5"]).status();
    site.write("content/help/big.yaml", format!("title: x\n# {}\n", "x".repeat(3 << 20)));
    let run = run_bounded(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.headlines().contains(&"error: content/help/big.yaml: the file is 3 MB; the limit is 2 MB"),
        "{}",
        run.stderr
    );
    if made.is_ok_and(|s| s.success()) {
        assert!(
            run.headlines()
                .contains(&"error: content/help/zero.yaml: not a regular file but a device; it was not read"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn links_inside_content_are_read_and_folder_links_are_not_followed() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/help/real/second.yaml",
        "title: {zh: 第二, en: Second}\ndate: 2024-01-02\nsteps:\n  - text: x\n",
    );
    // A tutorial that is a link to another file inside content/ is read as that file.
    symlink("real/second.yaml", site.root.join("content/help/linked.yaml")).unwrap();
    // Links to folders are not followed: no loop, no way out.
    symlink("..", site.root.join("content/help/up")).unwrap();
    symlink("/etc", site.root.join("content/help/etc")).unwrap();
    let run = run_bounded(&site, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.page("en/help/linked/index.html").contains("Second"));
    let warnings: Vec<&str> = run.headlines().into_iter().filter(|l| l.contains("link to a folder")).collect();
    assert_eq!(
        warnings,
        vec![
            "warning: content/help/etc: ignored: a link to a folder (stepwise does not follow them)",
            "warning: content/help/up: ignored: a link to a folder (stepwise does not follow them)",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn site_files_outside_content_are_confined_too() {
    // i18n.lock and a theme's files: links leading out of their folder are refused,
    // devices never read.
    let site = TestSite::fixture("minimal");
    symlink("/dev/zero", site.root.join("i18n.lock")).unwrap();
    std::fs::create_dir_all(site.root.join("templates")).unwrap();
    symlink("/etc/passwd", site.root.join("templates/base.html")).unwrap();
    let run = run_bounded(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.headlines(),
        vec![
            "error: i18n.lock: the file is a link that leads outside the site folder; it was not read",
            "error: templates/base.html: the file is a link that leads outside `templates/`; it was not read",
        ],
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(PASSWD), "{}", run.stderr);

    // site.toml itself.
    let site = TestSite::fixture("minimal");
    std::fs::rename(site.root.join("site.toml"), site.root.join("../real.toml")).unwrap();
    symlink("../real.toml", site.root.join("site.toml")).unwrap();
    let run = run_bounded(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.headlines(),
        vec!["error: site.toml: the file is a link that leads outside the site folder; it was not read"],
        "{}",
        run.stderr
    );
}

#[test]
fn screenshots_that_are_pipes_or_devices_are_refused() {
    let site = TestSite::fixture("minimal");
    let help = site.root.join("content/help");
    std::fs::remove_file(help.join("shot.png")).unwrap();
    mkfifo(&help.join("shot.png"));
    symlink("/dev/zero", help.join("zero.png")).unwrap();
    site.write(
        "content/help/first.yaml",
        "title: {zh: 标, en: T}\ndate: 2024-01-02\nsteps:\n  - text: x\n    image: shot.png\n    alt: x\n  - text: y\n    image: zero.png\n    alt: y\n",
    );
    let run = run_bounded(&site, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.headlines(),
        vec![
            "error: content/help/first.yaml:5:12: `steps[1].image` (shot.png): the image is not a regular file but a named pipe (FIFO)",
            "error: content/help/first.yaml:8:12: `steps[2].image` (zero.png): the image is a link that leads outside the content folder",
        ],
        "{}",
        run.stderr
    );
}
