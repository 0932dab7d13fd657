//! The server's paged reads, run unchanged against SQLite and PostgreSQL: every page of a
//! list joined gives the whole list once, filters and version ranges select what they say,
//! and the search reads only each repository's latest scan.

mod common;

use polyver_model::{
    Component, Ecosystem, Finding, FindingKind, FindingSeverity, Inventory, Kind, Location, Scope,
};
use polyver_store::{
    normalize_name, ComponentFilter, FindingFilter, ScanMeta, Store, UsageKey, UsageQuery,
};

fn component(eco: Ecosystem, kind: Kind, name: &str, version: Option<&str>) -> Component {
    let mut c = Component::new(
        kind,
        eco,
        name,
        polyver_model::Format::Requirements,
        Location::new("requirements.txt", 1),
    );
    c.version = version.map(str::to_string);
    c.refresh_purl();
    c
}

fn inventory(components: Vec<Component>) -> Inventory {
    common::inventory_of("/src/app", components)
}

fn meta(repo: &str, t: i64) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: Some(format!("{t:040x}")),
        branch: Some("main".into()),
        root: None,
        started_at: t,
        finished_at: t + 1,
        tool_version: "0.1.0".into(),
    }
}

fn finding(kind: FindingKind, severity: FindingSeverity, rule: &str) -> Finding {
    Finding {
        kind,
        rule: rule.into(),
        severity,
        severity_unknown: false,
        title: rule.into(),
        ecosystem: None,
        name: None,
        version: None,
        aliases: vec![],
        locations: vec![Location::new("requirements.txt", 1)],
    }
}

/// Every page of a list, following `next` from the start.
fn all_pages<T, K: Clone>(
    mut page: impl FnMut(Option<K>) -> polyver_store::Page<T, K>,
) -> Vec<Vec<T>> {
    let mut pages = vec![];
    let mut after = None;
    loop {
        let p = page(after.clone());
        pages.push(p.items);
        match p.next {
            Some(next) => after = Some(next),
            None => return pages,
        }
    }
}

fn repositories_and_scans_page_by_key(store: &Store) {
    for (i, repo) in ["c/one", "a/one", "b/one", "e/one", "d/one"]
        .iter()
        .enumerate()
    {
        store
            .record(&meta(repo, i as i64), &inventory(vec![]), &[])
            .unwrap();
    }
    let s = store.inner();
    let pages = all_pages(|after| {
        store
            .block_on(s.repositories_page(after.as_deref(), 2))
            .unwrap()
    });
    let names: Vec<Vec<String>> = pages
        .iter()
        .map(|p| p.iter().map(|r| r.name.clone()).collect())
        .collect();
    assert_eq!(
        names,
        [
            vec!["a/one", "b/one"],
            vec!["c/one", "d/one"],
            vec!["e/one"]
        ]
    );
    // An exact fit ends without an empty page.
    let exact = store.block_on(s.repositories_page(None, 5)).unwrap();
    assert_eq!((exact.items.len(), exact.next), (5, None));

    for t in 10..13 {
        store
            .record(&meta("a/one", t), &inventory(vec![]), &[])
            .unwrap();
    }
    let detail = store.block_on(s.repository("a/one")).unwrap().unwrap();
    assert_eq!(detail.scans, 4);
    let latest = detail.latest_scan.unwrap();
    assert_eq!(latest.started_at, 12);
    assert_eq!(store.block_on(s.repository("nobody")).unwrap(), None);

    let pages = all_pages(|before| store.block_on(s.scans_page("a/one", before, 3)).unwrap());
    let times: Vec<Vec<i64>> = pages
        .iter()
        .map(|p| p.iter().map(|s| s.started_at).collect())
        .collect();
    assert_eq!(times, [vec![12, 11, 10], vec![1]]);
    assert_eq!(
        store.block_on(s.scan(latest.id)).unwrap().unwrap().id,
        latest.id
    );
    assert_eq!(store.block_on(s.scan(i64::MAX)).unwrap(), None);
}

fn components_filter_in_sql_and_by_version_range(store: &Store) {
    let mut components = vec![];
    for minor in 0..40 {
        components.push(component(
            Ecosystem::Pypi,
            Kind::Package,
            "requests",
            Some(&format!("2.{minor}.0")),
        ));
    }
    let mut dev = component(Ecosystem::Npm, Kind::Package, "react", Some("18.2.0"));
    dev.scope = Scope::Dev;
    dev.direct = false;
    components.push(dev);
    components.push(component(
        Ecosystem::Docker,
        Kind::Image,
        "postgres",
        Some("14.5"),
    ));
    components.push(component(Ecosystem::Pypi, Kind::Package, "requests", None));
    let id = store
        .record(&meta("r", 0), &inventory(components), &[])
        .unwrap();
    let s = store.inner();
    let list = |filter: ComponentFilter, limit: usize| {
        all_pages(|after| {
            store
                .block_on(s.components_page(id, &filter, after, limit))
                .unwrap()
        })
    };
    let flat = |pages: Vec<Vec<(i64, Component)>>| -> Vec<String> {
        pages
            .into_iter()
            .flatten()
            .map(|(_, c)| format!("{}@{}", c.name, c.version.unwrap_or_default()))
            .collect()
    };

    let everything = list(ComponentFilter::default(), 7);
    assert_eq!(everything.len(), 7); // 43 components in pages of 7
    assert_eq!(everything.iter().flatten().count(), 43);

    let images = flat(list(
        ComponentFilter {
            kind: Some(Kind::Image),
            ..Default::default()
        },
        10,
    ));
    assert_eq!(images, ["postgres@14.5"]);
    let dev = flat(list(
        ComponentFilter {
            scope: Some(Scope::Dev),
            direct: Some(false),
            ..Default::default()
        },
        10,
    ));
    assert_eq!(dev, ["react@18.2.0"]);
    let indirect_runtime = list(
        ComponentFilter {
            scope: Some(Scope::Runtime),
            direct: Some(false),
            ..Default::default()
        },
        10,
    );
    assert_eq!(indirect_runtime, vec![Vec::<(i64, Component)>::new()]);

    // The range is the ecosystem's: 2.9.0 < 2.10.0 < 2.31 (text order would say otherwise).
    let old = flat(list(
        ComponentFilter {
            ecosystem: Some(Ecosystem::Pypi),
            name: Some(normalize_name(Ecosystem::Pypi, "Requests")),
            range: Some("<2.31".into()),
            ..Default::default()
        },
        4,
    ));
    let expected: Vec<String> = (0..31).map(|m| format!("requests@2.{m}.0")).collect();
    assert_eq!(old, expected, "no version without a pin, none twice");

    let image = flat(list(
        ComponentFilter {
            ecosystem: Some(Ecosystem::Docker),
            name: Some(normalize_name(
                Ecosystem::Docker,
                "docker.io/library/postgres",
            )),
            range: Some("<15".into()),
            ..Default::default()
        },
        4,
    ));
    assert_eq!(image, ["postgres@14.5"]);
}

fn a_range_matching_little_pages_without_reading_everything_at_once(store: &Store) {
    // Matches at both ends of many rows: the first page holds the first match and says
    // where to go on, the pages joined hold both, and none holds more than it may.
    let mut components = vec![component(
        Ecosystem::Npm,
        Kind::Package,
        "left-pad",
        Some("0.1.0"),
    )];
    for i in 0..(polyver_store::pages::MAX_EXAMINED + 50) {
        components.push(component(
            Ecosystem::Npm,
            Kind::Package,
            "left-pad",
            Some(&format!("1.{i}.0")),
        ));
    }
    components.push(component(
        Ecosystem::Npm,
        Kind::Package,
        "left-pad",
        Some("0.2.0"),
    ));
    let id = store
        .record(&meta("big", 0), &inventory(components), &[])
        .unwrap();
    let s = store.inner();
    let filter = ComponentFilter {
        range: Some("<1".into()),
        ..Default::default()
    };
    let first = store
        .block_on(s.components_page(id, &filter, None, 10))
        .unwrap();
    assert_eq!(first.items.len(), 1);
    assert!(first.next.is_some(), "rows were left unread");
    let pages = all_pages(|after| {
        store
            .block_on(s.components_page(id, &filter, after, 10))
            .unwrap()
    });
    let versions: Vec<String> = pages
        .into_iter()
        .flatten()
        .map(|(_, c)| c.version.unwrap())
        .collect();
    assert_eq!(versions, ["0.1.0", "0.2.0"]);
}

fn findings_filter_by_severity_and_kind(store: &Store) {
    let findings = vec![
        finding(FindingKind::Vulnerability, FindingSeverity::Critical, "A"),
        finding(FindingKind::Conflict, FindingSeverity::High, "B"),
        finding(FindingKind::Vulnerability, FindingSeverity::High, "C"),
        finding(FindingKind::Diagnostic, FindingSeverity::Low, "D"),
        finding(FindingKind::Vulnerability, FindingSeverity::Medium, "E"),
    ];
    let id = store
        .record(&meta("f", 0), &inventory(vec![]), &findings)
        .unwrap();
    let s = store.inner();
    let rules = |filter: FindingFilter, limit: usize| -> Vec<Vec<String>> {
        all_pages(|after| {
            store
                .block_on(s.findings_page(id, &filter, after, limit))
                .unwrap()
        })
        .into_iter()
        .map(|p| p.into_iter().map(|(_, f)| f.rule).collect())
        .collect()
    };
    assert_eq!(
        rules(FindingFilter::default(), 2),
        [vec!["A", "B"], vec!["C", "D"], vec!["E"]]
    );
    assert_eq!(
        rules(
            FindingFilter {
                severities: vec![FindingSeverity::Critical, FindingSeverity::High],
                kinds: vec![FindingKind::Vulnerability],
            },
            10
        ),
        [vec!["A", "C"]]
    );
    assert_eq!(
        rules(
            FindingFilter {
                severities: vec![],
                kinds: vec![FindingKind::Diagnostic, FindingKind::Conflict],
            },
            10
        ),
        [vec!["B", "D"]]
    );
}

fn search_reads_each_repositorys_latest_scan(store: &Store) {
    let requests = |v: Option<&str>| component(Ecosystem::Pypi, Kind::Package, "requests", v);
    // Old scans use vulnerable versions; only latest scans count.
    store
        .record(
            &meta("svc/a", 0),
            &inventory(vec![requests(Some("2.0.0"))]),
            &[],
        )
        .unwrap();
    store
        .record(
            &meta("svc/a", 1),
            &inventory(vec![requests(Some("2.31.0"))]),
            &[],
        )
        .unwrap();
    store
        .record(
            &meta("svc/b", 2),
            &inventory(vec![requests(Some("2.25.1")), requests(Some("2.30.0"))]),
            &[],
        )
        .unwrap();
    store
        .record(&meta("svc/c", 3), &inventory(vec![requests(None)]), &[])
        .unwrap();
    store
        .record(
            &meta("svc/d", 4),
            &inventory(vec![
                component(Ecosystem::Docker, Kind::Image, "postgres", Some("14")),
                component(Ecosystem::Docker, Kind::Image, "postgres", Some("16.2")),
                component(Ecosystem::Docker, Kind::Image, "redis", Some("7")),
            ]),
            &[],
        )
        .unwrap();
    let s = store.inner();
    let search = |query: &UsageQuery, limit: usize| -> Vec<Vec<(String, String, Option<bool>)>> {
        all_pages(|after: Option<UsageKey>| {
            store
                .block_on(s.search_latest(query, after.as_ref(), limit))
                .unwrap()
        })
        .into_iter()
        .map(|p| {
            p.into_iter()
                .map(|u| {
                    (
                        u.repository,
                        u.component.version.unwrap_or_default(),
                        u.in_range.flatten(),
                    )
                })
                .collect()
        })
        .collect()
    };
    let row = |r: &str, v: &str, i: Option<bool>| (r.to_string(), v.to_string(), i);
    let mut query = UsageQuery {
        ecosystem: Ecosystem::Pypi,
        name: normalize_name(Ecosystem::Pypi, "REQUESTS"),
        kind: None,
        range: Some("<2.31".into()),
        include_unknown: false,
    };
    assert_eq!(
        search(&query, 1),
        [
            vec![row("svc/b", "2.25.1", Some(true))],
            vec![row("svc/b", "2.30.0", Some(true))]
        ]
    );
    query.include_unknown = true;
    assert_eq!(
        search(&query, 10),
        [vec![
            row("svc/b", "2.25.1", Some(true)),
            row("svc/b", "2.30.0", Some(true)),
            row("svc/c", "", None)
        ]]
    );
    query.range = None;
    assert_eq!(
        search(&query, 10)[0].len(),
        4,
        "every latest use without a range"
    );

    let images = UsageQuery {
        ecosystem: Ecosystem::Docker,
        name: normalize_name(Ecosystem::Docker, "library/postgres"),
        kind: Some(Kind::Image),
        range: Some("<15".into()),
        include_unknown: false,
    };
    assert_eq!(search(&images, 10), [vec![row("svc/d", "14", Some(true))]]);
}

fn text_with_nul_matches_nothing_and_is_no_error(store: &Store) {
    // PostgreSQL refuses NUL in text; no stored name holds one, so nothing matches it.
    let id = store
        .record(
            &meta("n", 0),
            &inventory(vec![component(
                Ecosystem::Npm,
                Kind::Package,
                "a",
                Some("1.0.0"),
            )]),
            &[],
        )
        .unwrap();
    let s = store.inner();
    assert_eq!(store.block_on(s.repository("n\0")).unwrap(), None);
    assert!(store
        .block_on(s.scans_page("n\0x", None, 5))
        .unwrap()
        .items
        .is_empty());
    let filter = ComponentFilter {
        name: Some("a\0".into()),
        ..Default::default()
    };
    assert!(store
        .block_on(s.components_page(id, &filter, None, 5))
        .unwrap()
        .items
        .is_empty());
    let query = UsageQuery {
        ecosystem: Ecosystem::Npm,
        name: "a\0".into(),
        kind: None,
        range: None,
        include_unknown: false,
    };
    assert!(store
        .block_on(s.search_latest(&query, None, 5))
        .unwrap()
        .items
        .is_empty());
    // As a position, text up to the NUL.
    let page = store
        .block_on(s.repositories_page(Some("m\0zz"), 5))
        .unwrap();
    assert_eq!(page.items[0].name, "n");
    let query = UsageQuery {
        name: "a".into(),
        ..query
    };
    let after = UsageKey {
        repository: "m\0".into(),
        ordinal: 7,
    };
    assert_eq!(
        store
            .block_on(s.search_latest(&query, Some(&after), 5))
            .unwrap()
            .items
            .len(),
        1
    );
}

backends!(
    text_with_nul_matches_nothing_and_is_no_error,
    repositories_and_scans_page_by_key,
    components_filter_in_sql_and_by_version_range,
    a_range_matching_little_pages_without_reading_everything_at_once,
    findings_filter_by_severity_and_kind,
    search_reads_each_repositorys_latest_scan,
);
