//! Hostile trees (issue 19): includes that leave the root through symlinks, FIFOs, include
//! chains thousands of files long, files producing endless or enormous diagnostics.

use polyver_extract::{scan_observed, ScanConfig, ScanProgress, MAX_DIAGNOSTICS_PER_FILE};
use polyver_model::{DiagnosticCode, Inventory};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

const SECRET: &str = "CI_TOKEN=s3cr3t-value-never-shown";

#[derive(Default)]
struct Reads(AtomicU64);
impl ScanProgress for Reads {
    fn finished(&self, files_read: u64) {
        self.0.store(files_read, Ordering::Relaxed);
    }
}

fn scan(root: &Path) -> (Inventory, u64) {
    let reads = Reads::default();
    let config = ScanConfig {
        threads: 1,
        ..ScanConfig::default()
    };
    let registry = polyver_extract::registry::extractors();
    let inv = scan_observed(root, &config, &registry, &reads).unwrap();
    (inv, reads.0.load(Ordering::Relaxed))
}

fn json(inv: &Inventory) -> String {
    serde_json::to_string(inv).unwrap()
}

#[cfg(unix)]
#[test]
fn symlinked_includes_leave_no_trace_of_the_target() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    std::fs::write(outside.path().join(".env"), format!("{SECRET}\nTAG=9.9\n")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("requirements.txt"), "-r p.txt\nflask==3.0.0\n").unwrap();
    std::os::unix::fs::symlink(&secret, root.join("p.txt")).unwrap();
    // A symlinked directory on the way is refused too.
    std::os::unix::fs::symlink(outside.path(), root.join("linked")).unwrap();
    std::fs::write(root.join("requirements-dev.txt"), "-r linked/secret.txt\n").unwrap();
    // compose reads `.env` beside it for `${TAG}`.
    std::fs::write(
        root.join("compose.yaml"),
        "services:\n  web:\n    image: \"nginx:${TAG}\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join(".env"), root.join(".env")).unwrap();

    let (inv, _) = scan(root);
    let out = json(&inv);
    assert!(!out.contains("s3cr3t"), "{out}");
    assert!(!out.contains("9.9"), "{out}");
    assert!(inv.components.iter().any(|c| c.name == "flask"));
    let rejected: Vec<_> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == DiagnosticCode::IncludeRejected)
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:#?}");
    assert!(
        rejected[0].message.contains("symbolic link"),
        "{rejected:#?}"
    );
    assert_eq!(
        (rejected[1].path.as_str(), rejected[1].line),
        ("requirements.txt", 1)
    );
}

#[cfg(unix)]
#[test]
fn symlinked_includes_are_read_with_follow_symlinks() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("base.txt"), "django==5.0\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "-r base.txt\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("base.txt"), dir.path().join("base.txt"))
        .unwrap();
    let config = ScanConfig {
        follow_symlinks: true,
        ..ScanConfig::default()
    };
    let inv = polyver_extract::scan(dir.path(), &config).unwrap();
    assert!(
        inv.components.iter().any(|c| c.name == "django"),
        "{inv:#?}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_include_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("requirements.txt"), "-r pipe.txt\nflask==3.0.0\n").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let path = root.to_path_buf();
    std::thread::spawn(move || tx.send(Box::new(scan(&path).0)));
    let inv = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("scan blocked on a FIFO");
    assert!(inv.components.iter().any(|c| c.name == "flask"));
    let d = inv
        .diagnostics
        .iter()
        .find(|d| d.path == "pipe.txt")
        .expect("a diagnostic for the FIFO");
    assert_eq!(d.code, DiagnosticCode::IoError);
    assert!(d.message.contains("FIFO"), "{d}");
}

/// `n` files `<dir>/<i>.txt` pinning `p<i>`, each but the last with `-r <i+1>.txt`.
fn chain(root: &Path, dir: &str, n: usize) {
    std::fs::create_dir_all(root.join(dir)).unwrap();
    for i in 0..n {
        let next = if i + 1 < n {
            format!("-r {}.txt\n", i + 1)
        } else {
            String::new()
        };
        std::fs::write(
            root.join(dir).join(format!("{i}.txt")),
            format!("{next}p{i}==1.0\n"),
        )
        .unwrap();
    }
}

#[test]
fn a_deep_include_chain_stops_at_the_depth_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // `chain/` files are not requirements files by name: only reached through includes.
    chain(root, "chain", 4_000);
    std::fs::write(root.join("requirements.txt"), "-r chain/0.txt\n").unwrap();
    let (inv, _) = scan(root);
    // requirements.txt at depth 0, chain/0.txt .. chain/63.txt at depths 1..=64.
    assert_eq!(inv.components.len(), 64);
    let deep: Vec<_> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == DiagnosticCode::IncludeDepth)
        .collect();
    assert_eq!(deep.len(), 1, "{:#?}", inv.diagnostics);
    assert_eq!((deep[0].path.as_str(), deep[0].line), ("chain/63.txt", 1));
}

#[test]
fn each_file_of_a_chain_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Every file of the chain is a requirements file the walker scans itself, and each
    // includes the rest of the chain: without a memo that is ~n * 64 reads.
    let n = 2_000;
    chain(root, "requirements", n);
    let (inv, reads) = scan(root);
    assert_eq!(inv.components.len(), n);
    assert!(reads <= 2 * n as u64, "{reads} reads for {n} files");
}

#[test]
fn diagnostics_per_file_and_their_length_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut gomod = String::from("module example.com/m\n\ngo 1.22\n");
    for _ in 0..5_000 {
        gomod.push_str("bogus x\n");
    }
    std::fs::write(root.join("go.mod"), gomod).unwrap();
    std::fs::create_dir(root.join("long")).unwrap();
    let line = format!("go {}\x1b[2J\n", "1".repeat(1 << 20));
    std::fs::write(root.join("long/go.mod"), format!("module m\n{line}")).unwrap();
    // Content a requirements diagnostic quotes: an option, a URL, a version.
    let secret = format!("{SECRET}\x07{}", "z".repeat(10_000));
    std::fs::write(
        root.join("requirements.txt"),
        format!("--{secret}\nhttps://x/{secret}\nflask==1.0{secret}\n"),
    )
    .unwrap();

    let (inv, _) = scan(root);
    let of = |path: &'static str| inv.diagnostics.iter().filter(move |d| d.path == path);
    assert_eq!(of("go.mod").count(), MAX_DIAGNOSTICS_PER_FILE + 1);
    let summary = of("go.mod")
        .find(|d| d.code == DiagnosticCode::TooManyDiagnostics)
        .unwrap();
    assert!(
        summary.message.starts_with("4900 more diagnostics"),
        "{summary}"
    );
    for d in of("long/go.mod") {
        assert!(d.message.len() < 200, "{}", d.message.len());
        assert!(!d.message.contains('\x1b'), "{d}");
    }
    assert!(of("long/go.mod").count() > 0);
    let quoted: Vec<_> = of("requirements.txt").collect();
    assert_eq!(quoted.len(), 3, "{quoted:#?}");
    for d in quoted {
        // The excerpt: at most 80 characters of the file, escaped.
        assert!(d.message.chars().count() < 200, "{d}");
        assert!(!d.message.contains('\x07'), "{d}");
    }
}
