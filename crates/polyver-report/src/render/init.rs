//! `polyver init`: the commented polyver.toml written from a scan, what was done, and the
//! `polyver.init/v1` document.
//!
//! The file is meant to be read: every section of PRODUCT.md §2 is there with each key
//! explained. Only what is certain is set as a value: the `[scan]` defaults, and each runtime
//! pinned to an exact version as its `[approved]` version (the one most files agree on).
//! Everything else is a commented example, so the file loads as is and changes nothing until
//! someone decides to.

use crate::term::escaped;
use polyver_engine::init::{best_version, exact, runtimes};
use polyver_model::{Inventory, Kind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

pub const SCHEMA: &str = "polyver.init/v1";

/// TOML basic string with escapes.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A bare key when TOML allows one, else a quoted key (`"pypi:fastapi"`).
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// The text of polyver.toml for `inventory`.
pub fn config(inventory: &Inventory) -> String {
    let mut t = String::new();
    let mut per_eco: BTreeMap<&str, usize> = BTreeMap::new();
    let mut files: BTreeSet<&str> = BTreeSet::new();
    for c in &inventory.components {
        *per_eco.entry(c.ecosystem.id()).or_default() += 1;
        files.extend(c.locations.iter().map(|l| l.path.as_str()));
    }
    let summary: Vec<String> = per_eco.iter().map(|(e, n)| format!("{e} {n}")).collect();
    t.push_str("# polyver.toml: settings for polyver (https://example.invalid/polyver).\n");
    t.push_str("# Written by `polyver init`; every key is explained. polyver reads the nearest\n");
    t.push_str("# polyver.toml above the scanned path; an unknown key is an error.\n#\n");
    let _ = writeln!(
        t,
        "# Detected: {} in {}{}.",
        super::plural(inventory.components.len(), "component", "components"),
        super::plural(files.len(), "file", "files"),
        if summary.is_empty() {
            String::new()
        } else {
            format!(" ({})", summary.join(", "))
        }
    );

    t.push_str(
        "
# What `polyver scan` (and every command that scans) reads.
[scan]
# Globs of paths to skip, on top of .gitignore and the default skips (gitignore syntax).
exclude = []
# Globs of paths to scan even when ignored (a vendored lock file, say).
include = []
# Files larger than this are skipped, with a diagnostic: bytes, or \"512 KiB\", \"5 MiB\".
max-file-size = \"5 MiB\"
# Follow symbolic links (loops are detected and reported).
follow-symlinks = false
# Skip node_modules, vendor, .venv, target, build, dist and the like.
default-skips = true
",
    );

    t.push_str(
        "
# The central version registry: the approved version or range of each component.
# `polyver conflicts` reports every component outside it as drift. Keys are component ids:
# a runtime or tool by name (`python`, `node`, `postgresql`), anything else as
# \"ecosystem:name\" (\"pypi:fastapi\", \"npm:react\", \"docker:postgres\").
# Values: an exact version (\"3.10.12\") or a range in the ecosystem's syntax (\">=14,<15\").
[approved]
",
    );
    let found = runtimes(inventory);
    if found.is_empty() {
        t.push_str("# (no runtime version was detected)\n# python = \"3.12.4\"\n");
    }
    for (name, versions) in &found {
        let describe = |v: &str, at: &BTreeSet<&str>| {
            let list: Vec<&str> = at.iter().take(3).copied().collect();
            let more = at.len().saturating_sub(3);
            format!(
                "{v} in {}{}",
                list.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        let Some(best) = best_version(versions) else {
            continue;
        };
        if versions.len() > 1 {
            let _ = writeln!(
                t,
                "# {name}: several versions found, approve one and align the others:"
            );
            for (v, at) in versions {
                let _ = writeln!(t, "#   {}", describe(v, at));
            }
        } else {
            let _ = writeln!(t, "# found: {}", describe(best, &versions[best]));
        }
        // Only an exact version becomes a value: a constraint as written (`^3.9`) may not
        // be in the syntax the [approved] range of that component is read with.
        let comment = if exact(best) { "" } else { "# " };
        let _ = writeln!(t, "{comment}{} = {}", key(name), quoted(best));
    }
    // A few detected images and direct packages as examples to approve.
    let mut examples: BTreeSet<String> = BTreeSet::new();
    for c in &inventory.components {
        if examples.len() >= 5 {
            break;
        }
        if matches!(c.kind, Kind::Image | Kind::Package) && c.direct {
            if let Some(v) = &c.version {
                examples.insert(format!(
                    "# {} = {}",
                    key(&format!("{}:{}", c.ecosystem.id(), c.name)),
                    quoted(v)
                ));
            }
        }
    }
    for line in examples {
        let _ = writeln!(t, "{line}");
    }

    t.push_str(
        "
# Compatibility rules: when the components in `when` match, those in `require` must be
# within the given ranges (checked by `polyver conflicts` and `polyver check`).
# [[compat]]
# when = { python = \"3.10\" }
# require = { \"pypi:fastapi\" = \">=0.100,<0.105\" }

# How `polyver update` applies each kind of update: \"auto\" (commit it), \"pr\" (open a pull
# request), \"review\" (only report it) or \"ignore\". [policy.sla]: the days allowed to fix a
# vulnerability, per severity (an overdue fix is an SLA breach; the defaults are shown).
# max-lag: how far behind a component may fall (majors, minors, days). ignore / allow: name
# patterns never proposed, or the only ones proposed (`*` matches any characters, an
# \"ecosystem:\" prefix narrows it). [[policy.group]]: updates that travel together in one
# branch, selected by name patterns, ecosystem and/or bump kinds.
[policy]
# patch = \"auto\"
# minor = \"pr\"
# major = \"review\"
# max-lag = { majors = 1, days = 365 }
# ignore = [\"pypi:django*\"]
# allow = []
#
# [policy.sla]
# critical = 0
# high = 7
# medium = 30
# low = 30
#
# [[policy.group]]
# name = \"babel\"
# patterns = [\"@babel/*\"]
#
# [[policy.group]]
# name = \"npm-patches\"
# ecosystem = \"npm\"
# bumps = [\"patch\"]

# Licence policy (`polyver licenses`): SPDX ids or categories (permissive, weak-copyleft,
# copyleft, network-copyleft, proprietary, unknown). `deny` wins over `allow`; an OR
# expression passes if one branch passes, AND if all do.
[licenses]
# allow = [\"permissive\", \"weak-copyleft\", \"MPL-2.0\"]
# deny = [\"copyleft\", \"network-copyleft\"]
# unknown = \"warn\"
#
# A licence accepted for one package (optionally one version), with the reason:
# [[licenses.exceptions]]
# name = \"pypi:psycopg2\"
# allow = [\"LGPL-3.0-or-later\"]
# reason = \"used unmodified as a separate library\"

# Vulnerabilities to ignore, each with a reason and an expiry date (an expired ignore is
# reported again).
# [[audit.ignore]]
# id = \"GHSA-xxxx-xxxx-xxxx\"
# reason = \"not reachable: the vulnerable function is never called\"
# until = 2026-12-31

# `polyver serve`: the central server (its command-line flags override these). Reads are
# \"open\" or need a \"token\"; new tokens expire after expiry-days (0: never). New findings are
# posted to each webhook: \"slack\" (a Slack-compatible message) or \"json\" (signed with
# HMAC-SHA256, the key read from the environment variable named by secret-env). `polyver
# alerts` fires when a repository's health score is below health-below or its latest scan is
# older than scan-stale-after (a number with m, h, d or w).
[server]
# listen = \"127.0.0.1:8080\"
# database-url = \"postgres://polyver@db.internal/polyver\"
# read = \"token\"
#
# [server.tokens]
# expiry-days = 90
#
# [server.alerts]
# health-below = 60
# scan-stale-after = \"7d\"
#
# [[server.webhook]]
# url = \"https://hooks.slack.com/services/T000/B000/XXXX\"
# kind = \"slack\"
#
# [[server.webhook]]
# url = \"https://alerts.example.com/polyver\"
# kind = \"json\"
# secret-env = \"POLYVER_WEBHOOK_SECRET\"

# Upstream registries (`polyver outdated`, `plan`, `update`) by ecosystem: pypi, npm, cargo,
# go, maven, rubygems, composer, nuget, docker, github, terraform, helm. A base URL (a mirror
# or private registry), or a table with url and credentials named by environment variable:
# token-env, or username-env with password-env. An unlisted one is the public registry.
[registries]
# pypi = \"https://pypi.internal/simple\"
# npm = { url = \"https://npm.internal\", token-env = \"NPM_TOKEN\" }
# maven = { url = \"https://repo.internal/maven2\", username-env = \"MAVEN_USER\", password-env = \"MAVEN_PASSWORD\" }
# github = { token-env = \"GITHUB_TOKEN\" }
",
    );
    t
}

/// What `polyver init` did: the file written (with `components` detected), the state
/// directory created or kept, and what to do next.
pub fn done(
    config: &str,
    components: usize,
    approved: &[&str],
    state: &str,
    state_created: bool,
) -> String {
    let approved = if approved.is_empty() {
        String::new()
    } else {
        format!("; approved runtimes: {}", escaped(approved.join(", ")))
    };
    let (config, state) = (escaped(config), escaped(state));
    format!(
        "wrote {config} ({} detected{approved})\n{} {state}\nnext: review {config}, then `polyver lock` and commit both files\n",
        super::plural(components, "component", "components"),
        if state_created { "created" } else { "kept" },
    )
}

/// The `polyver.init/v1` document.
pub fn json(
    config: &str,
    state: &str,
    state_created: bool,
    inventory: &Inventory,
) -> serde_json::Value {
    let runtimes: BTreeMap<String, Vec<String>> = runtimes(inventory)
        .iter()
        .map(|(n, v)| (n.to_string(), v.keys().cloned().collect()))
        .collect();
    serde_json::json!({
        "schema": SCHEMA,
        "config": config,
        "state_dir": state,
        "state_dir_created": state_created,
        "components": inventory.components.len(),
        "runtimes": runtimes,
    })
}
