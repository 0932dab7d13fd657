//! `polyver update --pin-actions`: GitHub Actions referenced by a tag (`@v4`) are pinned to
//! the commit the tag points at, the tag kept in a comment (`@<sha> # v4.2.2`).
//!
//! A tag can be moved by whoever controls the action's repository (the tj-actions incident
//! moved every tag of one action to a malicious commit); a commit cannot. This is the
//! hardening GitHub and OpenSSF Scorecard recommend, and Renovate's `pinDigests`. The pins
//! travel as one group of their own (`pin-actions`, one branch and pull request), applied on
//! top of the version updates of the same run; later updates of a pinned action move the SHA
//! and the comment together.

use std::collections::BTreeMap;

use polyver_forge::GroupChange;
use polyver_model::Component;

use crate::engine::{changed_files, unified_diff, Change, Group, Report, Status};
use crate::formats::github_actions::pin_action;
use crate::rewrite::{Expected, Outcome, Request, Target};

/// The group's name (and branch `polyver/pin-actions`).
pub const GROUP: &str = "pin-actions";

/// One action to pin: the component, the commit its tag points at (`target.digest`) and the
/// most precise tag naming that commit (`target.version`, written as the comment).
pub struct ActionPin<'a> {
    pub component: &'a Component,
    pub target: Target,
}

/// Adds the `pin-actions` group to `report` and `changes`, its edits applied on top of
/// `files` (every other group's edits, by path), and the report's diff and file list made
/// to include them. `read` gives a file's original text.
pub fn pin_actions(
    report: &mut Report,
    files: &mut BTreeMap<String, String>,
    changes: &mut Vec<GroupChange>,
    pins: &[ActionPin<'_>],
    read: &dyn Fn(&str) -> std::io::Result<String>,
) {
    let mut group = Group {
        name: GROUP.to_string(),
        priority: 0,
        action: "pr",
        security: false,
        changes: Vec::new(),
        lock_files: Vec::new(),
        commit_message: String::new(),
        title: String::new(),
        body: String::new(),
    };
    // The group's own branch starts from the original files.
    let mut own: BTreeMap<String, String> = BTreeMap::new();
    let mut originals: BTreeMap<String, Option<String>> = BTreeMap::new();
    for pin in pins {
        let c = pin.component;
        for location in &c.locations {
            let path = location.path.clone();
            let original = originals
                .entry(path.clone())
                .or_insert_with(|| read(&path).ok())
                .clone();
            let mut change = Change {
                ecosystem: c.ecosystem,
                name: c.name.clone(),
                from: c.version.clone(),
                to: format!(
                    "{} ({})",
                    pin.target.version,
                    pin.target.digest.as_deref().unwrap_or_default()
                ),
                bump: None,
                path: path.clone(),
                line: location.line,
                constraint_from: None,
                constraint_to: None,
                advisories: Vec::new(),
                priority: 0,
                status: Status::Edited,
                reason: None,
            };
            let Some(original) = original else {
                change.status = Status::Refused;
                change.reason = Some(format!("{path} cannot be read"));
                group.changes.push(change);
                continue;
            };
            let request = Request {
                component: c,
                path: &path,
                line: location.line,
                target: &pin.target,
                bump_ranges: false,
            };
            let base = files.get(&path).unwrap_or(&original).clone();
            match pin_checked(&base, &request) {
                Ok(Some(text)) => {
                    files.insert(path.clone(), text);
                    let own_base = own.get(&path).unwrap_or(&original).clone();
                    if let Ok(Some(text)) = pin_checked(&own_base, &request) {
                        own.insert(path.clone(), text);
                    }
                }
                Ok(None) => {
                    change.status = Status::Satisfied;
                    change.reason = Some("already pinned to a commit".to_string());
                }
                Err(reason) => {
                    change.status = Status::Refused;
                    change.reason = Some(reason);
                }
            }
            group.changes.push(change);
        }
    }
    let pinned: Vec<&Change> = group
        .changes
        .iter()
        .filter(|c| c.status == Status::Edited)
        .collect();
    if group.changes.is_empty() {
        return;
    }
    group.title = format!(
        "Pin {} GitHub Action{} to commits",
        pinned.len(),
        if pinned.len() == 1 { "" } else { "s" }
    );
    let mut lines: Vec<String> = pinned
        .iter()
        .map(|c| {
            format!(
                "- {} {} -> {} ({}:{})",
                c.name,
                c.from.as_deref().unwrap_or("?"),
                c.to,
                c.path,
                c.line
            )
        })
        .collect();
    lines.dedup();
    group.commit_message = format!("{}\n\n{}\n", group.title, lines.join("\n"));
    let mut body = String::from(
        "Tags of an action can be moved by whoever controls its repository; a commit SHA \
         cannot. This pins every action referenced by a tag to the commit the tag points at \
         now, and keeps the tag in a comment so that updates (and people) still see the \
         version.\n\n| action | tag | commit | where |\n|---|---|---|---|\n",
    );
    for c in &pinned {
        body.push_str(&format!(
            "| `{}` | `{}` | `{}` | `{}:{}` |\n",
            c.name,
            c.from.as_deref().unwrap_or("?"),
            c.to,
            c.path,
            c.line
        ));
    }
    group.body = body;
    let own_files = changed_files(own, &originals);
    changes.push(GroupChange {
        group: group.name.clone(),
        files: own_files,
        commit_message: group.commit_message.clone(),
        title: group.title.clone(),
        body: group.body.clone(),
    });
    report.groups.push(group);
    // The diff and file list of the whole run, now with the pins.
    report.files = files.keys().cloned().collect();
    report.diff.clear();
    for (path, text) in files.iter() {
        if let Ok(original) = read(path) {
            report.diff.push_str(&unified_diff(path, &original, text));
        }
    }
}

/// One pin and its re-scan check: `Ok(None)` when already pinned to a commit.
fn pin_checked(text: &str, request: &Request<'_>) -> Result<Option<String>, String> {
    match pin_action(text, request).map_err(|e| e.to_string())? {
        Outcome::AlreadySatisfied => Ok(None),
        Outcome::Rewritten(new) => {
            let expected = Expected {
                version: Some(request.target.version.clone()),
                constraint: None,
            };
            crate::verify::rescan(
                request.component,
                request.path,
                request.line,
                text,
                &new,
                &expected,
            )
            .map_err(|why| format!("{}:{}: pin rolled back: {why}", request.path, request.line))?;
            Ok(Some(new))
        }
    }
}
