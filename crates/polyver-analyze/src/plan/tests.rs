use super::*;
use crate::priority::tests::row;
use crate::sla::tests::{at, vuln};
use polyver_advisory::matcher::Status;
use polyver_advisory::VulnFinding;
use polyver_config::UpdateAction;
use polyver_model::{Component, Format, ScanStats};
use polyver_upstream::outdated::Row;

fn component(eco: Ecosystem, name: &str, format: Format, path: &str, line: u32) -> Component {
    Component::new(Kind::Package, eco, name, format, Location::new(path, line))
}

fn pin(name: &str, version: &str, path: &str) -> Component {
    component(Ecosystem::Pypi, name, Format::Requirements, path, 1)
        .with_version(version)
        .with_constraint(format!("=={version}"))
}

fn inventory(components: Vec<Component>) -> Inventory {
    Inventory::finish(".", components, Vec::new(), ScanStats::default())
}

/// A finding of `name version` at `path:1` by `id`, fixed in `fixed` (ascending).
fn finding(id: &str, name: &str, version: &str, path: &str, fixed: &[&str]) -> VulnFinding {
    let mut v = vuln(id, Some(FindingSeverity::High));
    v.name = name.into();
    v.version = Some(version.into());
    v.constraints = vec![format!("=={version}")];
    v.locations = vec![Location::new(path, 1)];
    v.fixed_versions = fixed.iter().map(|s| s.to_string()).collect();
    // The smallest fix above the version, as the matcher computes it.
    v.smallest_fix = fixed
        .iter()
        .find(|f| {
            polyver_version::compare(polyver_version::Ecosystem::Pypi, f, version)
                .unwrap()
                .is_gt()
        })
        .map(|s| s.to_string());
    v
}

struct World {
    inventory: Inventory,
    audit: AuditReport,
    outdated: Outdated,
    conflicts: crate::Report,
    policy: PolicySection,
}

impl World {
    fn new(components: Vec<Component>, findings: Vec<VulnFinding>) -> World {
        let inventory = inventory(components);
        let conflicts = crate::analyze(&inventory, &crate::Policy::default());
        World {
            inventory,
            audit: AuditReport {
                findings,
                ..AuditReport::default()
            },
            outdated: Outdated::default(),
            conflicts,
            policy: PolicySection::default(),
        }
    }

    fn plan(&self, recheck: Recheck) -> Plan {
        plan(
            &PlanInputs {
                inventory: &self.inventory,
                audit: Ok(&self.audit),
                outdated: &self.outdated,
                licences: &[],
                conflicts: &self.conflicts,
                policy: &self.policy,
                now: at("2026-01-01T00:00:00Z"),
                all: false,
            },
            recheck,
        )
    }
}

fn no_answer(_: Ecosystem, _: &str, _: &str) -> Option<BTreeSet<String>> {
    None
}

/// The advisories of urllib3 in these tests, as OSV ranges would say: A is fixed in 1.26.17
/// and 2.0.6, B in 1.26.18 and 2.0.7, C only in 2.0.7.
fn urllib3_recheck(_: Ecosystem, name: &str, version: &str) -> Option<BTreeSet<String>> {
    if name != "urllib3" {
        return None;
    }
    let v = |s: &str| s.parse::<semver_like::V>().unwrap();
    let at = v(version);
    let mut still = BTreeSet::new();
    let in_range = |lo: &str, hi: &str| v(lo) <= at && at < v(hi);
    if in_range("0.0.0", "1.26.17") || in_range("2.0.0", "2.0.6") {
        still.insert("GHSA-aaaa".to_string());
    }
    if in_range("0.0.0", "1.26.18") || in_range("2.0.0", "2.0.7") {
        still.insert("CVE-2023-0002".to_string());
    }
    if in_range("0.0.0", "2.0.7") {
        still.insert("PYSEC-C".to_string());
    }
    Some(still)
}

/// Three-part versions, enough for the recheck above.
mod semver_like {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    pub struct V(Vec<u64>);
    impl std::str::FromStr for V {
        type Err = std::num::ParseIntError;
        fn from_str(s: &str) -> Result<V, Self::Err> {
            s.split('.')
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map(V)
        }
    }
}

fn urllib3_world(with_c: bool) -> World {
    let mut b = finding(
        "PYSEC-B",
        "urllib3",
        "1.26.5",
        "requirements.txt",
        &["1.26.18", "2.0.7"],
    );
    b.aliases = vec!["CVE-2023-0002".into()];
    let mut findings = vec![
        finding(
            "GHSA-aaaa",
            "urllib3",
            "1.26.5",
            "requirements.txt",
            &["1.26.17", "2.0.6"],
        ),
        b,
        finding(
            "PYSEC-R",
            "requests",
            "2.30.0",
            "requirements.txt",
            &["2.32.0"],
        ),
        finding(
            "PYSEC-R",
            "requests",
            "2.31.0",
            "svc/requirements.txt",
            &["2.32.0"],
        ),
    ];
    if with_c {
        findings.push(finding(
            "PYSEC-C",
            "urllib3",
            "1.26.5",
            "requirements.txt",
            &["2.0.7"],
        ));
    }
    // urllib3 on line 2 of the root requirements.
    for f in findings.iter_mut().filter(|f| f.name == "urllib3") {
        f.locations = vec![Location::new("requirements.txt", 2)];
    }
    let mut urllib3 = pin("urllib3", "1.26.5", "requirements.txt");
    urllib3.locations = vec![Location::new("requirements.txt", 2)];
    World::new(
        vec![
            pin("requests", "2.30.0", "requirements.txt"),
            urllib3,
            pin("requests", "2.31.0", "svc/requirements.txt"),
        ],
        findings,
    )
}

#[test]
fn one_recommendation_per_target_with_the_smallest_version_fixing_every_advisory() {
    let plan = urllib3_world(true).plan(&urllib3_recheck);
    /// (package, to, from, fixes)
    type Shown<'p> = (&'p str, Option<&'p str>, Vec<&'p str>, Vec<&'p str>);
    let shown: Vec<Shown> = plan
        .recommendations
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.to.as_deref(),
                r.from.iter().map(String::as_str).collect(),
                r.fixes.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                "urllib3",
                Some("2.0.7"),
                vec!["1.26.5"],
                vec!["GHSA-aaaa", "PYSEC-B", "PYSEC-C"]
            ),
            (
                "requests",
                Some("2.32.0"),
                vec!["2.30.0", "2.31.0"],
                vec!["PYSEC-R"]
            ),
        ]
    );
    let urllib3 = &plan.recommendations[0];
    assert_eq!(
        (urllib3.action, urllib3.bump),
        (Action::Fix, Some(Bump::Major))
    );
    assert!(urllib3.still_open.is_empty());
    assert_eq!(
        urllib3.within_constraint,
        Some(false),
        "==1.26.5 must change"
    );
    let requests = &plan.recommendations[1];
    assert_eq!(requests.places.len(), 2, "both services move together");
    assert_eq!(
        requests.places[1].location,
        Location::new("svc/requirements.txt", 1)
    );
    assert_eq!(requests.places[1].current.as_deref(), Some("2.31.0"));
    assert!(
        urllib3.priority > requests.priority,
        "three flaws before one"
    );
    // Two components of requests (two running versions), one of urllib3.
    assert_eq!(plan.summary.components, 3);
    assert_eq!(plan.summary.by_action["fix"], 2);

    // Without C, 1.26.18 fixes both (asked of the recheck, and by comparison without it).
    let without_c = urllib3_world(false);
    for recheck in [&urllib3_recheck as Recheck, &no_answer] {
        let plan = without_c.plan(recheck);
        let r = plan
            .recommendations
            .iter()
            .find(|r| r.name == "urllib3")
            .unwrap();
        assert_eq!(r.to.as_deref(), Some("1.26.18"));
        assert_eq!(r.bump, Some(Bump::Patch));
    }
}

#[test]
fn a_fix_inside_the_declared_range_says_so_and_unfixable_flaws_stay_open() {
    let mut world = urllib3_world(true);
    // A range resolved by a lock: the fix 1.26.18 is inside `>=1.26,<2`.
    let urllib3 = world
        .inventory
        .components
        .iter_mut()
        .find(|c| c.name == "urllib3")
        .unwrap();
    urllib3.constraint = Some(polyver_model::Constraint::new(">=1.26,<2"));
    let mut never = finding("PYSEC-NEVER", "urllib3", "1.26.5", "requirements.txt", &[]);
    never.locations = vec![Location::new("requirements.txt", 2)];
    world.audit.findings.retain(|f| f.id != "PYSEC-C");
    world.audit.findings.push(never);
    let plan = world.plan(&no_answer);
    let r = plan
        .recommendations
        .iter()
        .find(|r| r.name == "urllib3")
        .unwrap();
    assert_eq!(r.to.as_deref(), Some("1.26.18"));
    assert_eq!(r.within_constraint, Some(true));
    assert_eq!(r.fixes, ["GHSA-aaaa", "PYSEC-B"]);
    assert_eq!(r.still_open, ["PYSEC-NEVER"]);
    assert_eq!(r.note.as_deref(), Some("no version fixes PYSEC-NEVER too"));
    // Nothing but an unfixable flaw: no target, said so.
    world.audit.findings.retain(|f| f.id == "PYSEC-NEVER");
    let plan = world.plan(&no_answer);
    let r = &plan.recommendations[0];
    assert_eq!((r.action, r.to.as_deref()), (Action::NoFix, None));
    assert_eq!(r.still_open, ["PYSEC-NEVER"]);
}

#[test]
fn an_unpinned_range_admitting_vulnerabilities_is_to_pin() {
    let flask = component(
        Ecosystem::Pypi,
        "flask",
        Format::Requirements,
        "requirements.txt",
        1,
    )
    .with_constraint(">=0.10");
    let mut f = vuln("PYSEC-F", Some(FindingSeverity::High));
    f.name = "flask".into();
    f.status = Status::NotPinned;
    f.version = None;
    f.constraints = vec![">=0.10".into()];
    f.admitted = vec!["PYSEC-F".into(), "PYSEC-G".into()];
    let world = World::new(vec![flask], vec![f]);
    let plan = world.plan(&no_answer);
    let r = &plan.recommendations[0];
    assert_eq!((r.action, r.to.as_deref()), (Action::Pin, None));
    assert_eq!(r.still_open, ["PYSEC-F", "PYSEC-G"]);
    assert_eq!(plan.components[0].vulnerabilities, ["PYSEC-F"]);
    assert_eq!(plan.components[0].current, None);
}

fn npm_world(rows: Vec<Row>) -> World {
    let lodash = component(
        Ecosystem::Npm,
        "lodash",
        Format::PackageJson,
        "package.json",
        3,
    )
    .with_constraint("^3.10.0");
    let left_pad = component(
        Ecosystem::Npm,
        "left-pad",
        Format::PackageJson,
        "package.json",
        4,
    )
    .with_constraint("^1.3.0");
    let mut world = World::new(vec![lodash, left_pad], Vec::new());
    world.outdated.rows = rows;
    world.outdated.lookups = 2;
    world
}

fn lodash_row() -> Row {
    let mut r = row("lodash", "3.10.0");
    r.constraint = Some("^3.10.0".into());
    r.wanted = Some("3.10.1".into());
    r.latest = Some("4.17.21".into());
    r.status = RowStatus::Outdated;
    r.bump = Some(Bump::Major);
    r.majors_behind = 1;
    r
}

#[test]
fn without_vulnerabilities_the_latest_unless_policy_ignores_that_bump() {
    let mut pad = row("left-pad", "1.3.0");
    pad.line = 4;
    let mut world = npm_world(vec![lodash_row(), pad]);
    let plan = world.plan(&no_answer);
    assert_eq!(plan.recommendations.len(), 1, "left-pad is up to date");
    let r = &plan.recommendations[0];
    assert_eq!(
        (r.action, r.to.as_deref()),
        (Action::Update, Some("4.17.21"))
    );
    assert_eq!(r.within_constraint, Some(false), "^3.10.0 must change");
    assert_eq!(r.bump, Some(Bump::Major));
    assert_eq!(
        plan.health.parts[0].value,
        "1 of 2 components within 2 minors of latest"
    );

    world.policy.major = Some(UpdateAction::Ignore);
    let plan = world.plan(&no_answer);
    let r = &plan.recommendations[0];
    assert_eq!(r.to.as_deref(), Some("3.10.1"));
    assert_eq!(r.within_constraint, Some(true));
    assert_eq!(
        r.note.as_deref(),
        Some("latest 4.17.21 is a major update, which [policy] ignores")
    );
    world.policy.patch = Some(UpdateAction::Ignore);
    assert!(world.plan(&no_answer).recommendations.is_empty());

    world.policy = PolicySection {
        ignore: vec!["npm:lod*".into()],
        ..PolicySection::default()
    };
    let plan = world.plan(&no_answer);
    assert!(plan.recommendations.is_empty());
    assert!(
        plan.components[0].priority.score > 0,
        "still weighed, only not proposed"
    );
}

#[test]
fn a_vulnerable_transitive_entry_is_listed_and_what_was_not_checked_is_said() {
    let lock_entry = component(
        Ecosystem::Npm,
        "minimist",
        Format::PackageLock,
        "package-lock.json",
        9,
    )
    .with_version("1.2.5")
    .with_direct(false);
    let direct = component(
        Ecosystem::Npm,
        "mkdirp",
        Format::PackageLock,
        "package-lock.json",
        5,
    )
    .with_version("0.5.5");
    let mut f = vuln("GHSA-mini", Some(FindingSeverity::Critical));
    f.ecosystem = Ecosystem::Npm;
    f.name = "minimist".into();
    f.version = Some("1.2.5".into());
    f.locations = vec![Location::new("package-lock.json", 9)];
    f.fixed_versions = vec!["1.2.6".into()];
    f.smallest_fix = Some("1.2.6".into());
    let world = World::new(vec![lock_entry, direct], vec![f]);
    let plan = world.plan(&no_answer);
    let minimist = &plan.components[0];
    assert_eq!(
        (minimist.name.as_str(), minimist.direct),
        ("minimist", false)
    );
    let lag = minimist
        .priority
        .terms
        .iter()
        .find(|t| t.name == "lag")
        .unwrap();
    assert_eq!(
        lag.why,
        "unknown: transitive: not looked up (--all looks it up)"
    );
    let exposure = minimist
        .priority
        .terms
        .iter()
        .find(|t| t.name == "exposure")
        .unwrap();
    assert_eq!(exposure.why, "runtime, transitive: +25% of 48");
    assert_eq!(plan.recommendations[0].to.as_deref(), Some("1.2.6"));
    assert_eq!(plan.summary.components, 2, "mkdirp (direct) and minimist");

    let not_checked = plan_without_audit(&world);
    assert_eq!(
        not_checked.notes,
        ["vulnerabilities not checked: no OSV database at /db (run `polyver db sync`)"]
    );
    assert!(!not_checked.coverage.vulnerabilities_checked);
    assert_eq!(
        not_checked.summary.components, 1,
        "minimist is not known to be vulnerable"
    );
    let terms = &not_checked.components[0].priority.terms;
    assert_eq!(
        terms[0].why,
        "vulnerabilities not checked: no OSV database at /db (run `polyver db sync`)"
    );
    let health = &not_checked.health;
    assert_eq!(health.parts[1].score, None);
    assert_eq!(health.parts[2].score, None, "no SLA without the audit");
}

fn plan_without_audit(world: &World) -> Plan {
    plan(
        &PlanInputs {
            inventory: &world.inventory,
            audit: Err("no OSV database at /db (run `polyver db sync`)".into()),
            outdated: &world.outdated,
            licences: &[],
            conflicts: &world.conflicts,
            policy: &world.policy,
            now: at("2026-01-01T00:00:00Z"),
            all: false,
        },
        &no_answer,
    )
}

#[test]
fn sla_breaches_are_counted_and_weighed() {
    let mut world = urllib3_world(false);
    for f in &mut world.audit.findings {
        f.published = Some("2025-01-01T00:00:00Z".into());
    }
    let plan = world.plan(&no_answer);
    assert_eq!(plan.summary.sla_breaches, 4);
    let sla = plan.health.parts.iter().find(|p| p.name == "sla").unwrap();
    assert_eq!(sla.score, Some(0.2));
    let urllib3 = plan
        .components
        .iter()
        .find(|c| c.name == "urllib3")
        .unwrap();
    assert!(urllib3
        .priority
        .terms
        .iter()
        .any(|t| t.name == "sla" && t.points == 16));
}
