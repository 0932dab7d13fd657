//! `--lock-tool`: the ecosystem's own resolver regenerates a lock file after a manifest
//! edit. Opt-in per ecosystem, because it runs a package manager (which may run code from
//! the repository, e.g. npm lifecycle scripts are disabled with `--ignore-scripts` but a
//! `setup.py` build backend is not): polyver itself never does. Each tool runs as a program
//! with arguments, never through a shell, in the lock file's directory.

use std::path::Path;
use std::process::Command;

use polyver_model::{Ecosystem, Format};
use serde::Serialize;

/// One lock tool run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    pub ecosystem: Ecosystem,
    pub lock_file: String,
    /// The program and its arguments.
    pub command: Vec<String>,
    /// The directory it ran in, relative to the root (`.` for the root).
    pub dir: String,
    /// The exit status; `None` when it could not be started.
    pub exit_code: Option<i32>,
    pub ok: bool,
    /// The last lines of its error output (or why it could not start).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The command that regenerates a lock file of `format` after `packages` moved in its
/// manifest, or `None` when polyver knows none.
pub fn command_for(format: Format, file_name: &str, packages: &[String]) -> Option<Vec<String>> {
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Some(match format {
        Format::UvLock => words(&["uv", "lock"]),
        Format::PoetryLock => words(&["poetry", "lock", "--no-update"]),
        Format::PdmLock => words(&["pdm", "lock", "--update-reuse"]),
        Format::PipfileLock => words(&["pipenv", "lock"]),
        Format::PackageLock => {
            words(&["npm", "install", "--package-lock-only", "--ignore-scripts"])
        }
        Format::YarnLock => words(&["yarn", "install", "--mode=update-lockfile"]),
        Format::PnpmLock => words(&["pnpm", "install", "--lockfile-only", "--ignore-scripts"]),
        Format::BunLock => words(&["bun", "install", "--lockfile-only"]),
        Format::CargoLock => {
            let mut c = words(&["cargo", "update"]);
            for p in packages {
                c.push("-p".into());
                c.push(p.clone());
            }
            c
        }
        Format::GoSum => words(&["go", "mod", "tidy"]),
        Format::GemfileLock => words(&["bundle", "lock"]),
        Format::ComposerLock => {
            let mut c = words(&["composer", "update", "--no-install", "--no-scripts"]);
            c.extend(packages.iter().cloned());
            c
        }
        Format::NugetLock => words(&["dotnet", "restore", "--force-evaluate"]),
        Format::GradleLockfile => words(&["gradle", "dependencies", "--write-locks"]),
        _ => {
            let _ = file_name;
            return None;
        }
    })
}

/// The format of a lock file, from its name.
pub fn lock_format(path: &str) -> Option<Format> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(match name {
        "uv.lock" => Format::UvLock,
        "poetry.lock" => Format::PoetryLock,
        "pdm.lock" => Format::PdmLock,
        "Pipfile.lock" => Format::PipfileLock,
        "package-lock.json" | "npm-shrinkwrap.json" => Format::PackageLock,
        "yarn.lock" => Format::YarnLock,
        "pnpm-lock.yaml" => Format::PnpmLock,
        "bun.lock" => Format::BunLock,
        "Cargo.lock" => Format::CargoLock,
        "go.sum" => Format::GoSum,
        "Gemfile.lock" | "gems.locked" => Format::GemfileLock,
        "composer.lock" => Format::ComposerLock,
        "packages.lock.json" => Format::NugetLock,
        "gradle.lockfile" => Format::GradleLockfile,
        _ => return None,
    })
}

/// Runs `command` in `root/dir` and reports how it went.
pub fn run(root: &Path, ecosystem: Ecosystem, lock_file: &str, command: Vec<String>) -> Run {
    let dir = match lock_file.rsplit_once('/') {
        Some((d, _)) => d.to_string(),
        None => ".".to_string(),
    };
    let mut report = Run {
        ecosystem,
        lock_file: lock_file.to_string(),
        command: command.clone(),
        dir: dir.clone(),
        exit_code: None,
        ok: false,
        message: String::new(),
    };
    let Some((program, args)) = command.split_first() else {
        report.message = "empty command".into();
        return report;
    };
    match Command::new(program)
        .args(args)
        .current_dir(root.join(&dir))
        .output()
    {
        Ok(output) => {
            report.exit_code = output.status.code();
            report.ok = output.status.success();
            if !report.ok {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let lines: Vec<&str> = stderr.lines().collect();
                report.message = lines[lines.len().saturating_sub(5)..].join("\n");
            }
        }
        Err(e) => report.message = format!("cannot run `{program}`: {e}"),
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_real_tool_in_the_lock_directory_and_reports_its_status() {
        // `cargo` is the one package manager every build of polyver has.
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        std::fs::create_dir_all(app.join("src")).unwrap();
        std::fs::create_dir_all(app.join("dep/src")).unwrap();
        std::fs::write(app.join("Cargo.toml"), "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = { path = \"dep\", version = \"0.2\" }\n\n[workspace]\n").unwrap();
        std::fs::write(app.join("src/lib.rs"), "").unwrap();
        std::fs::write(
            app.join("dep/Cargo.toml"),
            "[package]\nname = \"dep\"\nversion = \"0.2.1\"\nedition = \"2021\"\n",
        )
        .unwrap();
        std::fs::write(app.join("dep/src/lib.rs"), "").unwrap();
        let mut command = command_for(Format::CargoLock, "Cargo.lock", &["dep".into()]).unwrap();
        command.push("--offline".into());
        let run = run(dir.path(), Ecosystem::Cargo, "app/Cargo.lock", command);
        assert!(run.ok, "{run:?}");
        assert_eq!(run.dir, "app");
        let lock = std::fs::read_to_string(app.join("Cargo.lock")).unwrap();
        assert!(
            lock.contains("name = \"dep\"\nversion = \"0.2.1\""),
            "{lock}"
        );

        let missing = super::run(
            dir.path(),
            Ecosystem::Npm,
            "package-lock.json",
            vec!["polyver-no-such-tool".into()],
        );
        assert!(!missing.ok && missing.exit_code.is_none());
        assert!(
            missing.message.contains("cannot run"),
            "{}",
            missing.message
        );
        let failing = super::run(
            dir.path(),
            Ecosystem::Cargo,
            "app/Cargo.lock",
            vec![
                "cargo".into(),
                "update".into(),
                "-p".into(),
                "nope".into(),
                "--offline".into(),
            ],
        );
        assert!(!failing.ok && failing.exit_code.is_some(), "{failing:?}");
    }
}
