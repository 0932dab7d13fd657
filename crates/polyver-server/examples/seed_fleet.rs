//! Fills a registry with a fleet for `bench/serve.sh`: REPOS repositories, each with one
//! scan of COMPONENTS components (PyPI and npm packages, Maven artifacts, images, a runtime)
//! and the findings a real fleet has — vulnerabilities of every severity, drift from
//! `[approved]`, `[policy.sla]` breaches, floating versions — written through the store API
//! (`AsyncStore::record`, one transaction per scan), as `polyver scan` and `push` write.
//!
//! Deterministic: the same arguments give the same registry.
//!
//! ```text
//! cargo run --release -p polyver-server --example seed_fleet -- DATABASE_URL [REPOS] [COMPONENTS]
//! ```

use polyver_model::{
    Component, Ecosystem, Finding, FindingKind, FindingSeverity, Format, Inventory, Kind, Location,
};
use polyver_store::{AsyncStore, ScanMeta};
use std::time::Instant;

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

fn component(i: usize, rng: &mut Lcg) -> Component {
    let (kind, eco, name, format, path) = match i % 10 {
        0..=4 => (
            Kind::Package,
            Ecosystem::Pypi,
            format!("pypi-package-{}", rng.below(2_000)),
            Format::Requirements,
            "requirements.txt",
        ),
        5..=7 => (
            Kind::Package,
            Ecosystem::Npm,
            format!("npm-package-{}", rng.below(2_000)),
            Format::PackageLock,
            "web/package-lock.json",
        ),
        8 => (
            Kind::Package,
            Ecosystem::Maven,
            format!("org.example:artifact-{}", rng.below(500)),
            Format::Pom,
            "pom.xml",
        ),
        _ if i % 20 == 9 => (
            Kind::Image,
            Ecosystem::Docker,
            ["python", "node", "postgres", "redis"][rng.below(4) as usize].to_string(),
            Format::Dockerfile,
            "Dockerfile",
        ),
        _ => (
            Kind::Runtime,
            Ecosystem::Generic,
            "python".to_string(),
            Format::VersionFile,
            ".python-version",
        ),
    };
    let mut c = Component::new(kind, eco, name, format, Location::new(path, (i + 1) as u32));
    c.version = Some(format!(
        "{}.{}.{}",
        rng.below(5),
        rng.below(30),
        rng.below(10)
    ));
    c.direct = i % 3 == 0;
    c.refresh_purl();
    c
}

fn finding(kind: FindingKind, rule: &str, severity: FindingSeverity, c: &Component) -> Finding {
    let version = c.version.clone().unwrap_or_default();
    let title = match kind {
        FindingKind::Policy => format!(
            "{} {version}: GHSA-bench-{} ({}) published 2024-01-01, was due 2024-01-31 \
             under the 30-day [policy.sla] for {} — fix: 9.9.9",
            c.name, c.locations[0].line, severity, severity
        ),
        _ => format!("{} {version}: {rule}", c.name),
    };
    Finding {
        kind,
        rule: rule.into(),
        severity_unknown: false,
        severity: if kind == FindingKind::Policy {
            FindingSeverity::High
        } else {
            severity
        },
        title,
        ecosystem: Some(c.ecosystem),
        name: Some(c.name.clone()),
        version: c.version.clone(),
        aliases: vec![],
        locations: c.locations.clone(),
    }
}

fn findings(components: &[Component], rng: &mut Lcg) -> Vec<Finding> {
    use FindingSeverity::*;
    let severities = [Critical, High, High, Medium, Medium, Medium, Low, Low];
    let mut out = Vec::new();
    for c in components {
        match rng.below(100) {
            0..=3 => {
                let severity = severities[rng.below(severities.len() as u64) as usize];
                let id = format!("GHSA-bench-{}", c.locations[0].line);
                out.push(finding(FindingKind::Vulnerability, &id, severity, c));
                if rng.below(3) == 0 {
                    out.push(finding(
                        FindingKind::Policy,
                        "policy/sla-breach",
                        severity,
                        c,
                    ));
                }
            }
            4 if c.kind != Kind::Package => {
                out.push(finding(FindingKind::Drift, "drift/not-approved", Medium, c));
            }
            5..=6 => out.push(finding(
                FindingKind::Floating,
                "floating/unbounded-range",
                Low,
                c,
            )),
            _ => {}
        }
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: seed_fleet DATABASE_URL [REPOS] [COMPONENTS]")?;
    let repos: usize = args.next().map_or(Ok(1_000), |a| a.parse())?;
    let per_repo: usize = args.next().map_or(Ok(300), |a| a.parse())?;
    let store = AsyncStore::open(&url).await?;
    let started = Instant::now();
    let mut rng = Lcg(42);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let mut total_findings = 0;
    for r in 0..repos {
        let components: Vec<Component> = (0..per_repo).map(|i| component(i, &mut rng)).collect();
        let findings = findings(&components, &mut rng);
        total_findings += findings.len();
        let inventory = Inventory {
            schema: "polyver.scan/v1".into(),
            root: format!("/src/service-{r:04}"),
            components,
            diagnostics: vec![],
            stats: Default::default(),
            links: Vec::new(),
            declared_licenses: Vec::new(),
            license_files: Vec::new(),
        };
        // Scans spread over the last ten days, so some are stale.
        let finished_at = now_ms - (rng.below(10 * 86_400) as i64) * 1_000;
        let meta = ScanMeta {
            repository: format!("github.com/bench/service-{r:04}"),
            commit: Some(format!("{:040x}", r + 1)),
            branch: Some("main".into()),
            root: None,
            started_at: finished_at - 5_000,
            finished_at,
            tool_version: "bench".into(),
        };
        store.record(&meta, &inventory, &findings).await?;
    }
    println!(
        "seeded {repos} repositories x {per_repo} components ({} components, {total_findings} \
         findings) in {:.1} s",
        repos * per_repo,
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}
