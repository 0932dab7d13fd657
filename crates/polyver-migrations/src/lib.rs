//! Schema-migration analysis over a scan's `migration` components: chains, heads, and what
//! is wrong with them; and, with [`live`], the state a real database records.
//!
//! A *chain* is one framework's migrations in one place: the components sharing ecosystem
//! and name (the directory holding the migrations; see the extractor's docs). Per chain:
//!
//! - **heads**: for graph frameworks (Alembic, Django) the revisions no other revision of
//!   the chain names as a parent; more than one is a `multiple-heads` problem (Alembic
//!   refuses `upgrade head`, Django reports "conflicting migrations"). A revision with
//!   several parents is a merge. For linear frameworks (Flyway, golang-migrate, sqlx,
//!   Prisma, Rails) the highest version. Liquibase changeSets are chained by execution
//!   order (each names the one before it), so its head is the last one run.
//! - **gaps**: only where the framework numbers migrations sequentially. A Flyway chain
//!   whose versions are all plain integers (`V1`, `V2`, `V4`) and a golang-migrate chain
//!   whose versions are all below 1,000,000 (sequence numbers, not timestamps) have a gap
//!   for each missing integer between two present ones. Dotted Flyway versions (`1.1`,
//!   `2.0`), timestamps (sqlx, Prisma, Rails, golang-migrate `-format`), Alembic hashes and
//!   Django names have no notion of a gap. Neither framework refuses a gap — it is
//!   reported because it usually means a lost or unmerged migration.
//! - **duplicates**: one version defined by two different migrations (two files; for
//!   Liquibase two changeSets). An up and a down script, or Flyway's `V`/`U` pair, are one
//!   migration.
//! - **cycles** and **missing parents** (Alembic, Django) (a `down_revision`, or a Django dependency inside
//!   the same app, that no file defines). Django dependencies on other apps are checked when
//!   the repository has that app's migrations, and ignored otherwise (third-party apps).
//! - Rails: `db/schema.rb`'s version is attached to the `db/migrate` chain beside it; a
//!   version other than the chain's head is a `schema-behind` problem.

pub mod live;

mod findings;

pub use findings::{findings, rule_of, severity, RULES};

use polyver_model::{Component, Ecosystem, Kind, Location};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The schema id of `polyver migrations --format json`.
pub const SCHEMA: &str = "polyver.migrations/v1";

/// What is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    MultipleHeads,
    Gap,
    Duplicate,
    Cycle,
    MissingParent,
    SchemaBehind,
    /// In the repository, not applied to the database.
    Pending,
    /// Applied to the database, not in the repository.
    Unknown,
    /// The framework recorded a failed or half-applied migration (Flyway/sqlx
    /// `success = false`, golang-migrate `dirty`).
    Failed,
}

impl ProblemKind {
    pub fn id(self) -> &'static str {
        match self {
            ProblemKind::MultipleHeads => "multiple-heads",
            ProblemKind::Gap => "gap",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Cycle => "cycle",
            ProblemKind::MissingParent => "missing-parent",
            ProblemKind::SchemaBehind => "schema-behind",
            ProblemKind::Pending => "pending",
            ProblemKind::Unknown => "unknown",
            ProblemKind::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One migration of a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// `None` for Flyway repeatable scripts.
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<String>,
    pub locations: Vec<Location>,
}

/// A chain's state in a live database.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The framework's table (`alembic_version`, ...).
    pub table: String,
    /// False when the table does not exist: the database was never migrated.
    pub initialised: bool,
    /// The applied head(s) the database records (its current version).
    pub heads: Vec<String>,
    /// In the repository, not applied.
    pub pending: Vec<String>,
    /// Applied, not in the repository.
    pub unknown: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub framework: Ecosystem,
    pub name: String,
    pub heads: Vec<String>,
    /// Revisions with more than one parent (Alembic merges, Django merge migrations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<String>,
    /// Rails: the version `db/schema.rb` records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    pub migrations: Vec<Migration>,
    pub problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<Applied>,
}

impl Chain {
    /// Django's app label: the directory above `migrations/`.
    pub fn app_label(&self) -> &str {
        app_label(&self.name)
    }

    /// The versioned migrations (no repeatables).
    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.migrations.iter().filter_map(|m| m.version.as_deref())
    }

    pub fn is_graph(&self) -> bool {
        matches!(
            self.framework,
            Ecosystem::Alembic | Ecosystem::Django | Ecosystem::Liquibase
        )
    }

    /// The versioned migrations in the order they are applied: parents before children for
    /// revision graphs (Alembic, Django, Liquibase), ties and linear chains in version order.
    /// A revision in a cycle comes after everything that can be ordered, in version order.
    pub fn apply_order(&self) -> Vec<&str> {
        let versions: Vec<&str> = self.versions().collect();
        if !self.is_graph() {
            return versions;
        }
        let position: BTreeMap<&str, usize> =
            versions.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        // Children of each revision and the number of unapplied parents it waits for
        // (parents outside the chain wait for nothing: another chain provides them).
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); versions.len()];
        let mut waiting: Vec<usize> = vec![0; versions.len()];
        for m in &self.migrations {
            let Some(child) = m.version.as_deref().and_then(|v| position.get(v)) else {
                continue;
            };
            let mut parents: Vec<usize> = m
                .parents
                .iter()
                .filter_map(|p| position.get(p.as_str()).copied())
                .collect();
            parents.sort_unstable();
            parents.dedup();
            for parent in parents {
                children[parent].push(*child);
                waiting[*child] += 1;
            }
        }
        // Kahn's algorithm, always taking the lowest version that is ready.
        let mut ready: BTreeSet<usize> = (0..versions.len()).filter(|&i| waiting[i] == 0).collect();
        let mut order = Vec::with_capacity(versions.len());
        let mut placed = vec![false; versions.len()];
        while let Some(next) = ready.pop_first() {
            order.push(versions[next]);
            placed[next] = true;
            for &child in &children[next] {
                waiting[child] -= 1;
                if waiting[child] == 0 {
                    ready.insert(child);
                }
            }
        }
        order.extend(
            (0..versions.len())
                .filter(|&i| !placed[i])
                .map(|i| versions[i]),
        );
        order
    }

    /// Every revision at or below `heads` (the heads included), following parents.
    pub fn ancestors_of<'a>(&'a self, heads: &[&'a str]) -> BTreeSet<&'a str> {
        let parents: BTreeMap<&str, &Vec<String>> = self
            .migrations
            .iter()
            .filter_map(|m| Some((m.version.as_deref()?, &m.parents)))
            .collect();
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = heads.to_vec();
        while let Some(v) = stack.pop() {
            if !seen.insert(v) {
                continue;
            }
            if let Some(ps) = parents.get(v) {
                stack.extend(ps.iter().map(String::as_str));
            }
        }
        seen
    }
}

fn app_label(chain: &str) -> &str {
    let mut it = chain.rsplit('/');
    it.next();
    it.next().unwrap_or("")
}

/// The whole analysis, as `polyver migrations` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub root: String,
    pub chains: Vec<Chain>,
    /// Problems over all chains.
    pub problems: usize,
}

impl Report {
    pub fn new(root: impl Into<String>, chains: Vec<Chain>) -> Report {
        let problems = chains.iter().map(|c| c.problems.len()).sum();
        Report {
            schema: SCHEMA,
            root: root.into(),
            chains,
            problems,
        }
    }

    pub fn recount(&mut self) {
        self.problems = self.chains.iter().map(|c| c.problems.len()).sum();
    }
}

/// Orders linear versions: dotted numbers numerically, then text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| -> Option<Vec<u128>> { s.split('.').map(|p| p.parse().ok()).collect() };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// What makes two locations the same migration: the up/down and V/U pairs fold together;
/// Liquibase changeSets are told apart by line.
fn identity(framework: Ecosystem, loc: &Location) -> String {
    let path = loc.path.as_str();
    match framework {
        Ecosystem::Liquibase => format!("{path}:{}", loc.line),
        Ecosystem::GolangMigrate | Ecosystem::Sqlx => path
            .strip_suffix(".up.sql")
            .or_else(|| path.strip_suffix(".down.sql"))
            .unwrap_or(path)
            .to_string(),
        Ecosystem::Flyway => match path.rsplit_once('/') {
            Some((dir, f)) => format!("{dir}/{}", f.strip_prefix('U').unwrap_or(f)),
            None => path.strip_prefix('U').unwrap_or(path).to_string(),
        }
        .replacen("/V", "/", 1),
        _ => path.to_string(),
    }
}

/// Groups migration components into chains and analyses each.
pub fn analyse(components: &[Component]) -> Vec<Chain> {
    let mut groups: BTreeMap<(Ecosystem, &str), Vec<&Component>> = BTreeMap::new();
    for c in components
        .iter()
        .filter(|c| c.kind == Kind::Migration && c.ecosystem.is_migration_framework())
    {
        groups.entry((c.ecosystem, &c.name)).or_default().push(c);
    }
    let mut schemas: BTreeMap<String, (String, Location)> = BTreeMap::new();
    let mut chains = Vec::new();
    for ((framework, name), comps) in groups {
        if framework == Ecosystem::Rails && name.ends_with("schema.rb") {
            if let Some(c) = comps.first() {
                let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
                let chain = if dir.is_empty() {
                    "migrate".to_string()
                } else {
                    format!("{dir}/migrate")
                };
                if let (Some(v), Some(loc)) = (&c.version, c.locations.first()) {
                    schemas.insert(chain, (v.clone(), loc.clone()));
                }
            }
            continue;
        }
        chains.push(analyse_chain(framework, name, &comps));
    }
    for chain in &mut chains {
        if chain.framework != Ecosystem::Rails {
            continue;
        }
        if let Some((v, loc)) = schemas.remove(&chain.name) {
            if let Some(head) = chain.heads.first() {
                if compare_versions(&v, head) != Ordering::Equal {
                    chain.problems.push(Problem {
                        kind: ProblemKind::SchemaBehind,
                        message: format!(
                            "db/schema.rb records version {v}, the latest migration is {head}"
                        ),
                        location: Some(loc),
                    });
                }
            }
            chain.schema_version = Some(v);
        }
    }
    check_django_dependencies(components, &mut chains);
    chains
}

fn analyse_chain(framework: Ecosystem, name: &str, comps: &[&Component]) -> Chain {
    let mut migrations: Vec<Migration> = Vec::new();
    let mut problems = Vec::new();
    let label = app_label(name);
    for c in comps {
        let parents: Vec<String> = c
            .dependencies
            .iter()
            .filter(|d| framework != Ecosystem::Django || d.name == label)
            .filter_map(|d| d.version.clone())
            .collect();
        let ids: BTreeSet<String> = c.locations.iter().map(|l| identity(framework, l)).collect();
        // Liquibase identifies a changeSet by id, author and file: one id in two files is
        // fine, twice in one file is not.
        let duplicate = if framework == Ecosystem::Liquibase {
            let paths: BTreeSet<&str> = c.locations.iter().map(|l| l.path.as_str()).collect();
            paths.len() < c.locations.len()
        } else {
            ids.len() > 1
        };
        if c.version.is_some() && duplicate {
            let files: Vec<String> = c.locations.iter().map(|l| l.to_string()).collect();
            problems.push(Problem {
                kind: ProblemKind::Duplicate,
                message: format!(
                    "version {} is defined {} times: {}",
                    c.version.as_deref().unwrap_or(""),
                    ids.len(),
                    files.join(", ")
                ),
                location: c.locations.get(1).cloned(),
            });
        }
        migrations.push(Migration {
            version: c.version.clone(),
            parents,
            locations: c.locations.clone(),
        });
    }
    // Components that differ in a field other than location (unlikely) would repeat a
    // version: fold them.
    migrations.sort_by(|a, b| match (&a.version, &b.version) {
        (Some(x), Some(y)) => compare_versions(x, y),
        (x, y) => x.cmp(y),
    });
    let mut chain = Chain {
        framework,
        name: name.to_string(),
        heads: Vec::new(),
        merges: Vec::new(),
        schema_version: None,
        migrations,
        problems,
        database: None,
    };
    if chain.is_graph() {
        graph(&mut chain);
    } else {
        linear(&mut chain);
    }
    chain
}

/// The location to point at for a version: its up (or `V`) script rather than the down one.
fn first_location(chain: &Chain, version: &str) -> Option<Location> {
    let m = chain
        .migrations
        .iter()
        .find(|m| m.version.as_deref() == Some(version))?;
    let is_down = |l: &&Location| {
        l.path.ends_with(".down.sql")
            || l.path
                .rsplit('/')
                .next()
                .is_some_and(|f| f.starts_with('U'))
    };
    m.locations
        .iter()
        .find(|l| !is_down(l))
        .or(m.locations.first())
        .cloned()
}

fn graph(chain: &mut Chain) {
    let defined: BTreeSet<&str> = chain.versions().collect();
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    let mut problems = Vec::new();
    let mut merges = Vec::new();
    for m in &chain.migrations {
        let Some(v) = m.version.as_deref() else {
            continue;
        };
        if m.parents.len() > 1 {
            merges.push(v.to_string());
        }
        for p in &m.parents {
            referenced.insert(p);
            if !defined.contains(p.as_str()) {
                problems.push(Problem {
                    kind: ProblemKind::MissingParent,
                    message: format!("{v} names parent {p}, which no migration defines"),
                    location: m.locations.first().cloned(),
                });
            }
        }
    }
    let heads: Vec<String> = defined
        .iter()
        .filter(|v| !referenced.contains(*v))
        .map(|v| v.to_string())
        .collect();
    // Liquibase's edges are execution order, always linear; an id reused in another file
    // (which Liquibase allows: its key is id + author + file) folds two nodes into one and
    // can bend that line into a loop or fork it, which is not a problem of the changelog.
    let liquibase = chain.framework == Ecosystem::Liquibase;
    if heads.len() > 1 && !liquibase {
        problems.push(Problem {
            kind: ProblemKind::MultipleHeads,
            message: format!(
                "{} heads: {} (merge them into one)",
                heads.len(),
                heads.join(", ")
            ),
            location: None,
        });
    }
    if let Some(cycle) = find_cycle(chain).filter(|_| !liquibase) {
        problems.push(Problem {
            kind: ProblemKind::Cycle,
            message: format!("parents form a cycle: {}", cycle.join(" -> ")),
            location: first_location(chain, &cycle[0]),
        });
    }
    chain.heads = heads;
    chain.merges = merges;
    chain.problems.extend(problems);
}

/// One cycle through the parent edges, when there is one.
fn find_cycle(chain: &Chain) -> Option<Vec<String>> {
    let parents: BTreeMap<&str, Vec<&str>> = chain
        .migrations
        .iter()
        .filter_map(|m| {
            Some((
                m.version.as_deref()?,
                m.parents.iter().map(String::as_str).collect(),
            ))
        })
        .collect();
    // 0 unvisited, 1 on the stack, 2 done; iterative DFS.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for &start in parents.keys() {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, idx)) = stack.last().copied() {
            let next = parents.get(node).and_then(|ps| ps.get(idx)).copied();
            match next {
                Some(p) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if !parents.contains_key(p) {
                        continue;
                    }
                    match state.get(p).copied().unwrap_or(0) {
                        0 => {
                            state.insert(p, 1);
                            stack.push((p, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(n, _)| *n == p).unwrap_or(0);
                            let mut cycle: Vec<String> =
                                stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                            cycle.push(p.to_string());
                            return Some(cycle);
                        }
                        _ => {}
                    }
                }
                None => {
                    state.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    None
}

fn linear(chain: &mut Chain) {
    let versions: Vec<String> = chain.versions().map(str::to_string).collect();
    chain.heads = versions.last().cloned().into_iter().collect();
    let sequential = match chain.framework {
        Ecosystem::Flyway => versions.iter().all(|v| v.parse::<u64>().is_ok()),
        Ecosystem::GolangMigrate => versions
            .iter()
            .all(|v| v.parse::<u64>().is_ok_and(|n| n < 1_000_000)),
        _ => false,
    };
    if !sequential {
        return;
    }
    let nums: Vec<u64> = versions.iter().filter_map(|v| v.parse().ok()).collect();
    for pair in nums.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b > a + 1 {
            let missing = if b == a + 2 {
                format!("{}", a + 1)
            } else {
                format!("{}..{}", a + 1, b - 1)
            };
            let location = first_location(chain, &b.to_string());
            chain.problems.push(Problem {
                kind: ProblemKind::Gap,
                message: format!("no migration {missing} between {a} and {b}"),
                location,
            });
        }
    }
}

/// Cross-app Django dependencies of `components` that name a migration missing from an app
/// whose migrations the repository has: `missing-parent` problems on the depending chain.
fn check_django_dependencies(components: &[Component], chains: &mut [Chain]) {
    let mut by_label: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in chains.iter().filter(|c| c.framework == Ecosystem::Django) {
        by_label
            .entry(c.app_label().to_string())
            .or_default()
            .extend(c.versions().map(str::to_string));
    }
    for c in components
        .iter()
        .filter(|c| c.kind == Kind::Migration && c.ecosystem == Ecosystem::Django)
    {
        let label = app_label(&c.name);
        for d in c.dependencies.iter().filter(|d| d.name != label) {
            let (Some(known), Some(want)) = (by_label.get(&d.name), d.version.as_deref()) else {
                continue;
            };
            if known.contains(want) {
                continue;
            }
            if let Some(chain) = chains
                .iter_mut()
                .find(|ch| ch.framework == Ecosystem::Django && ch.name == c.name)
            {
                chain.problems.push(Problem {
                    kind: ProblemKind::MissingParent,
                    message: format!(
                        "{} depends on {}.{want}, which app {} does not define",
                        c.version.as_deref().unwrap_or(""),
                        d.name,
                        d.name
                    ),
                    location: c.locations.first().cloned(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
