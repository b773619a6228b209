//! Measures `stepwise serve`'s edit-to-reload latency: the time from writing a tutorial
//! file to the `reload` event reaching an open page's event stream.
//!
//!     cargo run --release --example serve_edit              # 1,000 tutorials, 10 edits
//!     cargo run --release --example serve_edit -- 10000 20  # other sizes
//!     cargo run --release --example serve_edit -- 10000 5 2000  # 2 s between edits
//!
//! The site is generated once by `../shared/bench/gen.py` into `$BENCH_DIR` (default
//! /tmp/sw-bench). The server runs in this process on a free loopback port, exactly as
//! `stepwise serve` runs it; the page is fetched after each reload to check the edit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use stepwise::serve::{self, ServeEvent, ServeOptions};

// The allocator of the `stepwise` binary, so the figures are the ones `stepwise serve` gives.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1000, |a| a.parse().expect("tutorial count"));
    let edits: usize = args.next().map_or(10, |a| a.parse().expect("edit count"));
    // The pause before each edit (the last build's events are read for 100 ms more).
    let pause: u64 = args.next().map_or(200, |a| a.parse().expect("pause in ms"));
    let root = site(n);
    let yaml = first_tutorial(&root.join("content"));
    let id = yaml.strip_prefix(root.join("content")).unwrap().with_extension("").to_string_lossy().replace('\\', "/");
    let original = std::fs::read_to_string(&yaml).unwrap();
    let en_title = original.lines().nth(2).filter(|l| l.starts_with("  en: ")).expect("title.en on line 3").to_string();

    let start = Instant::now();
    let server = serve::start(&ServeOptions { root: root.clone(), port: 0, bind: "127.0.0.1".into(), edit: false })
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    println!("{n} tutorials: first build in memory {} ms", start.elapsed().as_millis());
    let port = server.addr.port();
    let (ev_tx, ev_rx) = mpsc::channel();
    std::thread::spawn(move || {
        while let Some(e) = server.next_event() {
            let _ = ev_tx.send(e);
        }
    });

    let lines = event_stream(port);
    wait_for(&lines, "event: hello");
    let page = format!("/en/{id}/");
    let mut times = Vec::new();
    let mut rebuilds = Vec::new();
    for i in 0..edits {
        let title = format!("  en: Edited title number {i}");
        let text = original.replacen(&en_title, &title, 1);
        std::thread::sleep(Duration::from_millis(pause));
        while ev_rx.try_recv().is_ok() {}
        let t0 = Instant::now();
        std::fs::write(&yaml, text).unwrap();
        wait_for(&lines, "event: reload");
        let latency = t0.elapsed();
        let html = get(port, &page);
        assert!(html.contains(&format!("Edited title number {i}")), "the page does not show edit {i}");
        times.push(latency);
        while let Ok(e) = ev_rx.recv_timeout(Duration::from_millis(100)) {
            if let ServeEvent::Built { outcome, .. } = e {
                rebuilds.push((outcome.elapsed, outcome.rendered, outcome.pages));
            }
        }
        println!(
            "edit {i}: write -> reload event {:.1} ms{}",
            latency.as_secs_f64() * 1e3,
            rebuilds
                .last()
                .map(|(t, r, p)| format!(" (rebuild {:.1} ms, {r} of {p} pages rendered)", t.as_secs_f64() * 1e3))
                .unwrap_or_default()
        );
    }
    std::fs::write(&yaml, &original).unwrap();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "edit-to-reload over {edits} title edits at {n} tutorials: median {:.1} ms, max {:.1} ms \
         (includes the watcher's {} ms quiet period)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        serve::watch::QUIET.as_millis()
    );
}

fn site(n: usize) -> PathBuf {
    let base = std::env::var_os("BENCH_DIR").map_or_else(|| PathBuf::from("/tmp/sw-bench"), PathBuf::from);
    let dir = base.join(format!("serve-{n}"));
    if !dir.join("bench-manifest.json").exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen.py");
        let status = std::process::Command::new("python3")
            .arg(script)
            .args(["--n", &n.to_string(), "--format", "stepwise", "--out"])
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3");
        assert!(status.success(), "gen.py failed");
    }
    dir
}

fn first_tutorial(dir: &Path) -> PathBuf {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in &entries {
        let name = p.file_name().unwrap().to_string_lossy();
        if p.is_file() && name.ends_with(".yaml") && !name.starts_with('_') {
            return p.clone();
        }
    }
    for p in entries {
        if p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_') {
            return first_tutorial(&p);
        }
    }
    panic!("no tutorial under {}", dir.display())
}

fn event_stream(port: u16) -> mpsc::Receiver<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /__stepwise/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

fn wait_for(lines: &mpsc::Receiver<String>, want: &str) {
    loop {
        let line = lines.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("no {want:?} in 30 s"));
        if line == want {
            return;
        }
    }
}

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}
