//! Progress on stderr while a command works, and the scan every analysing command starts
//! with. Bars are drawn only on a terminal and never with `-q`: logs and pipes stay clean.

use crate::args::GlobalArgs;
use crate::CliError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polyver_extract::{Extractor, ScanConfig, ScanProgress};
use polyver_model::{Inventory, Severity};
use std::io::IsTerminal;
use std::path::Path;

/// A bar in `template` (indicatif's syntax), hidden unless stderr is a terminal and not `-q`.
/// The bar of registry lookups (`plan`, `update`, `report`, `outdated`).
pub fn lookup_bar(global: &GlobalArgs) -> ProgressBar {
    bar(
        global,
        "{bar:30} looking up {pos}/{len} packages  {elapsed}",
    )
}

/// The engine's lookup progress callback, drawing on `bar`.
pub fn lookups(bar: &ProgressBar) -> impl Fn(usize, usize) + '_ {
    move |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

pub fn bar(global: &GlobalArgs, template: &str) -> ProgressBar {
    let target = if !global.quiet && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr_with_hz(10)
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A spinner while walking, then a bar over the claimed files.
pub struct ScanBar(pub ProgressBar);

impl ScanBar {
    pub fn new(global: &GlobalArgs) -> Self {
        ScanBar(bar(global, "{spinner} walking: {pos} files  {elapsed}"))
    }
}

impl ScanProgress for ScanBar {
    fn walked(&self) {
        self.0.inc(1);
    }
    fn walk_done(&self, claimed: u64) {
        self.0.set_style(
            ProgressStyle::with_template("{bar:30} parsing {pos}/{len} manifests  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.0.set_length(claimed);
        self.0.set_position(0);
    }
    fn extracted(&self) {
        self.0.inc(1);
    }
}

/// Which diagnostics of a scan a command lists on stderr (never with `-q`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The command reports on every file: what was not read was not checked.
    Problems,
    /// Only what stops a file from being read at all.
    Errors,
    /// None: the command's own output says what it covers.
    Nothing,
}

/// Scans `root` with `extractors`, a bar on stderr: a bad root is an input error (exit 2)
/// with `give {what}` as the hint.
pub fn scan(
    global: &GlobalArgs,
    root: &Path,
    config: &ScanConfig,
    extractors: &[&dyn Extractor],
    what: &str,
    shown: Shown,
) -> anyhow::Result<Inventory> {
    let progress = ScanBar::new(global);
    let scanned = polyver_extract::scan_observed(root, config, extractors, &progress);
    progress.0.finish_and_clear();
    let inventory = scanned.map_err(|e| {
        let hint = match e {
            // The message already says what a single file may be.
            polyver_extract::ScanConfigError::NotRecognized(_) => {
                "a file keeps the name its tool gives it (requirements*.txt, package-lock.json, \
                 Dockerfile, ...); or scan its directory"
                    .to_string()
            }
            _ => format!("give {what}"),
        };
        CliError::input(format!("cannot scan {}: {e}", root.display()), Some(hint))
    })?;
    if !global.quiet {
        let listed = |s: Severity| match shown {
            Shown::Problems => s != Severity::Info,
            Shown::Errors => s == Severity::Error,
            Shown::Nothing => false,
        };
        for d in inventory.diagnostics.iter().filter(|d| listed(d.severity)) {
            eprintln!("{d}");
        }
    }
    Ok(inventory)
}
