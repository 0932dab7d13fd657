//! `polyver update [PATH]`: one scan, the engine's plan, then the format-preserving rewrites
//! of `polyver-update` (policy, groups, re-scan check), written to the working tree unless
//! `--dry-run` (which prints the unified diff instead). Per group: the changes, the lock
//! files to regenerate, the commit message and the pull-request body (in the JSON).
//!
//! Exit codes: 0 the update ran (refused rewrites are listed, not failures); 2 input errors
//! (bad path, invalid polyver.toml); 3 a file could not be written, an OSV database that
//! cannot be read, or a `--lock-tool` that failed or could not be started.

use crate::args::{Format, GlobalArgs, GroupByArg, UpdateArgs};
use crate::output::{escaped, Output};
use crate::progress;
use polyver_engine::update::UpdateOptions;
use polyver_forge::{ForgeKind, ForgeSettings, OpenPr, PublishOptions, PublishReport, Signature};
use polyver_update::engine::{GroupBy, Report, Status};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// `polyver update --format json`: the report (schema `polyver.update/v1`), with the
/// branches and pull requests of `--branch` / `--open-pr`.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    report: &'a Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    publish: Option<&'a PublishReport>,
}

pub fn run(args: &UpdateArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    for eco in &args.lock_tool {
        if eco != "all" && polyver_model::Ecosystem::from_id(eco).is_none() {
            return Err(crate::CliError::input(
                format!("--lock-tool {eco}: not an ecosystem id"),
                Some("use pypi, npm, cargo, go, rubygems, composer, nuget, maven, or all".into()),
            )
            .into());
        }
    }
    let (engine, inventory) = super::engine_and_scan(global, &root, args.db.osv_db.clone())?;
    let bar = progress::lookup_bar(global);
    let lookups = progress::lookups(&bar);
    let options = UpdateOptions {
        dry_run: args.dry_run,
        bump_ranges: args.bump_ranges,
        groups: args.group.clone(),
        group_by: args.group_by.map(|g| match g {
            GroupByArg::Component => GroupBy::Component,
            GroupByArg::Ecosystem => GroupBy::Ecosystem,
            GroupByArg::All => GroupBy::All,
        }),
        include_review: args.include_review,
        lock_tools: args.lock_tool.clone(),
        branch: args.branch || args.open_pr,
        pin_actions: args.pin_actions,
    };
    let result =
        polyver_engine::update::update(&engine.settings, &root, &inventory, &options, &lookups);
    bar.finish_and_clear();
    let (report, changes) = result?;
    let publish = if args.branch || args.open_pr {
        let changes: Vec<_> = changes
            .into_iter()
            .filter(|c| !c.files.is_empty())
            .collect();
        Some(publish(args, &root, &engine.settings, &changes)?)
    } else {
        None
    };
    match global.format {
        Format::Json => out.json(&Document {
            report: &report,
            publish: publish.as_ref(),
        })?,
        _ => {
            let mut text = table(&report);
            if let Some(p) = &publish {
                text.push_str(&published(p));
            }
            out.write(&text)?
        }
    }
    let tool_failed = report.lock_tools.iter().any(|r| !r.ok);
    let publish_code = publish.as_ref().map_or(0, PublishReport::exit_code);
    Ok(if publish_code > 0 {
        ExitCode::from(publish_code as u8)
    } else if tool_failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--branch` / `--open-pr`: one branch per group, pushed and proposed with `--open-pr`.
fn publish(
    args: &UpdateArgs,
    root: &std::path::Path,
    settings: &polyver_engine::Settings,
    changes: &[polyver_forge::GroupChange],
) -> anyhow::Result<PublishReport> {
    let author = Signature::new("polyver", "polyver@users.noreply.example");
    let fail = |e: polyver_forge::ForgeError| -> anyhow::Error {
        let message = e.to_string();
        if e.exit_code() == 2 {
            crate::CliError::input(message, None).into()
        } else {
            crate::CliError::environment(message, None).into()
        }
    };
    let forge = if args.open_pr {
        let mut forge_settings = ForgeSettings::from_env(settings.net_options());
        forge_settings.api_base = args.forge_api.clone();
        forge_settings.kind = args.forge.as_deref().map(|k| match k {
            "gitlab" => ForgeKind::Gitlab,
            _ => ForgeKind::Github,
        });
        let url = polyver_forge::remote_url(root, &args.remote).map_err(fail)?;
        Some(polyver_forge::forge_for_remote(&url, &forge_settings).map_err(fail)?)
    } else {
        None
    };
    let options = PublishOptions {
        base: args.base.clone(),
        open_pr: args.open_pr.then(|| OpenPr {
            remote: args.remote.clone(),
            labels: args.label.clone(),
            close_superseded: true,
            ..OpenPr::default()
        }),
    };
    polyver_forge::publish(root, changes, &author, &options, forge.as_deref()).map_err(fail)
}

/// The branches and pull requests, for the table.
fn published(p: &PublishReport) -> String {
    let mut s = String::from("\n");
    for g in &p.groups {
        let what = match (&g.error, &g.commit, g.no_changes) {
            (Some(e), _, _) => format!("failed: {}", escaped(&e.message)),
            (None, _, true) => "no changes on the base".to_string(),
            (None, Some(c), _) => serde_json::to_value(c)
                .ok()
                .and_then(|v| v["outcome"].as_str().map(str::to_string))
                .unwrap_or_default(),
            (None, None, _) => String::new(),
        };
        let pr = g
            .pull_request
            .as_ref()
            .and_then(|pr| serde_json::to_value(pr).ok())
            .map(|v| {
                format!(
                    "  pull request {} {}",
                    v["outcome"].as_str().unwrap_or(""),
                    v["url"].as_str().unwrap_or("")
                )
            })
            .unwrap_or_default();
        s.push_str(&format!("branch {}: {what}{pr}\n", escaped(&g.branch)));
    }
    for c in &p.closed {
        let v = serde_json::to_value(c).unwrap_or_default();
        s.push_str(&format!(
            "closed as superseded: {}\n",
            escaped(v["url"].as_str().unwrap_or(""))
        ));
    }
    s
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Edited => "edited",
        Status::Satisfied => "in range",
        Status::Review => "review",
        Status::Refused => "refused",
        Status::Lock => "lock",
    }
}

/// The human report: one block per group, then what was skipped, the lock tools, and the
/// diff of a dry run.
fn table(report: &Report) -> String {
    let mut s = String::new();
    let edited: usize = report
        .groups
        .iter()
        .flat_map(|g| &g.changes)
        .filter(|c| c.status == Status::Edited)
        .count();
    s.push_str(&format!(
        "{} group(s), {} change(s) edited in {} file(s){}\n",
        report.groups.len(),
        edited,
        report.files.len(),
        if report.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    for g in &report.groups {
        s.push_str(&format!(
            "\n{}  priority {}  policy {}{}\n",
            escaped(&g.name),
            g.priority,
            g.action,
            if g.security { "  security" } else { "" }
        ));
        for c in &g.changes {
            let constraint = match (&c.constraint_from, &c.constraint_to) {
                (Some(a), Some(b)) if a != b => format!("  `{}` → `{}`", escaped(a), escaped(b)),
                _ => String::new(),
            };
            s.push_str(&format!(
                "  {:<9} {} {} → {}  {}:{}{}{}\n",
                status_word(c.status),
                escaped(&c.name),
                escaped(c.from.as_deref().unwrap_or("?")),
                escaped(&c.to),
                escaped(&c.path),
                c.line,
                constraint,
                if c.advisories.is_empty() {
                    String::new()
                } else {
                    format!("  fixes {}", c.advisories.join(", "))
                }
            ));
            if let Some(reason) = c.reason.as_ref().filter(|_| c.status != Status::Edited) {
                s.push_str(&format!("            {}\n", escaped(reason)));
            }
        }
        if !g.lock_files.is_empty() {
            s.push_str(&format!(
                "  lock files to regenerate: {}\n",
                escaped(g.lock_files.join(", "))
            ));
        }
    }
    if !report.skipped.is_empty() {
        s.push_str("\nnot updated:\n");
        for k in &report.skipped {
            s.push_str(&format!(
                "  {} {}: {}\n",
                k.ecosystem,
                escaped(&k.name),
                escaped(&k.reason)
            ));
        }
    }
    for run in &report.lock_tools {
        s.push_str(&format!(
            "\nlock tool in {}: {} → {}\n",
            escaped(&run.dir),
            escaped(run.command.join(" ")),
            match run.exit_code {
                Some(code) if run.ok => format!("exit {code}"),
                Some(code) => format!("failed, exit {code}: {}", escaped(&run.message)),
                None => escaped(&run.message),
            }
        ));
    }
    if !report.notes.is_empty() {
        s.push('\n');
    }
    for note in &report.notes {
        s.push_str(&format!("note: {}\n", escaped(note)));
    }
    if report.dry_run && !report.diff.is_empty() {
        s.push('\n');
        s.push_str(&report.diff);
    }
    s
}
