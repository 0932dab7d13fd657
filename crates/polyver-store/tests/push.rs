//! Tokens and pushed scans, run unchanged against SQLite and PostgreSQL: the token life
//! cycle (create, authenticate, expire, revoke; only a hash stored) and idempotent ingest
//! (a retried push stores nothing twice, even when the deliveries race).

mod common;

use polyver_model::{Component, Ecosystem, Inventory, Kind, Location};
use polyver_store::tokens::{Authentication, NewToken, RepoPattern, Revocation, TokenScope};
use polyver_store::{Ingested, ScanMeta, Store, StoreError};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_700_000_000_000;

fn inventory(n: usize) -> Inventory {
    let components = (0..n)
        .map(|i| {
            let mut c = Component::new(
                Kind::Package,
                Ecosystem::Pypi,
                format!("pkg-{i}"),
                polyver_model::Format::Requirements,
                Location::new("requirements.txt", i as u32 + 1),
            );
            c.version = Some("1.0".into());
            c
        })
        .collect();
    Inventory {
        schema: "polyver.scan/v1".into(),
        root: ".".into(),
        components,
        diagnostics: vec![],
        stats: Default::default(),
        links: vec![],
        declared_licenses: vec![],
        license_files: vec![],
    }
}

fn meta(repo: &str, commit: &str) -> ScanMeta {
    ScanMeta {
        repository: repo.into(),
        commit: Some(commit.into()),
        branch: Some("main".into()),
        root: Some("/ci/build".into()),
        started_at: T0,
        finished_at: T0 + 1000,
        tool_version: "0.1.0".into(),
    }
}

fn new_token(
    name: &str,
    scope: TokenScope,
    pattern: Option<&str>,
    expires: Option<i64>,
) -> NewToken {
    NewToken {
        name: name.into(),
        scope,
        repo_pattern: pattern.map(|p| RepoPattern::new(p).unwrap()),
        expires_at: expires,
    }
}

fn token_life_cycle(store: &Store) {
    let (ci, ci_secret) = store
        .create_token(
            &new_token(
                "ci",
                TokenScope::Push,
                Some("github.com/acme/*"),
                Some(T0 + 90 * DAY),
            ),
            T0,
        )
        .unwrap();
    let (ops, ops_secret) = store
        .create_token(&new_token("ops", TokenScope::Admin, None, None), T0)
        .unwrap();
    assert_ne!(ci_secret, ops_secret);
    assert_eq!(
        (
            ci.scope,
            ci.repo_pattern.as_deref(),
            ci.created_at,
            ci.expires_at
        ),
        (
            TokenScope::Push,
            Some("github.com/acme/*"),
            T0,
            Some(T0 + 90 * DAY)
        )
    );
    assert!(ci.last_used_at.is_none() && ci.revoked_at.is_none());

    // Only the hash is kept: no column holds the secret.
    let stored: Vec<String> = store.block_on(async {
        use sqlx::Row;
        sqlx::query("SELECT name, hash, scope, COALESCE(repo_pattern, '') FROM tokens")
            .fetch_all(store.inner().pool())
            .await
            .unwrap()
            .iter()
            .flat_map(|r| (0..4).map(|i| r.get::<String, _>(i)).collect::<Vec<_>>())
            .collect()
    });
    assert!(stored.iter().all(|v| !v.contains(&ci_secret[4..])));
    assert!(stored.contains(&polyver_store::tokens::hash_secret(&ci_secret)));

    // Valid: use is noted, at most once a minute.
    let Authentication::Valid(t) = store.authenticate(&ci_secret, T0 + 5).unwrap() else {
        panic!("the new token is valid")
    };
    assert_eq!((t.id, t.last_used_at), (ci.id, None));
    assert_eq!(store.tokens().unwrap()[0].last_used_at, Some(T0 + 5));
    store.authenticate(&ci_secret, T0 + 30_000).unwrap();
    assert_eq!(store.tokens().unwrap()[0].last_used_at, Some(T0 + 5));
    store.authenticate(&ci_secret, T0 + 70_000).unwrap();
    assert_eq!(store.tokens().unwrap()[0].last_used_at, Some(T0 + 70_000));

    // Unknown, malformed, or one character off.
    let mut off = ci_secret.clone().into_bytes();
    let last = off.len() - 1;
    off[last] = if off[last] == b'A' { b'B' } else { b'A' };
    for bad in [
        String::from_utf8(off).unwrap(),
        "pvt_short".to_string(),
        String::new(),
        format!("Bearer {ci_secret}"),
    ] {
        assert!(
            matches!(
                store.authenticate(&bad, T0).unwrap(),
                Authentication::Unknown
            ),
            "{bad}"
        );
    }

    // Expiry: valid until the instant it expires.
    assert!(matches!(
        store.authenticate(&ci_secret, T0 + 90 * DAY - 1).unwrap(),
        Authentication::Valid(_)
    ));
    assert!(matches!(
        store.authenticate(&ci_secret, T0 + 90 * DAY).unwrap(),
        Authentication::Expired(_)
    ));
    // No expiry: valid in a century.
    assert!(matches!(
        store.authenticate(&ops_secret, T0 + 36_500 * DAY).unwrap(),
        Authentication::Valid(_)
    ));

    // Revocation: at once, once.
    let Revocation::Revoked(r) = store.revoke_token(ops.id, T0 + DAY).unwrap() else {
        panic!("revoked")
    };
    assert_eq!(r.revoked_at, Some(T0 + DAY));
    assert!(matches!(
        store.authenticate(&ops_secret, T0 + DAY).unwrap(),
        Authentication::Revoked(_)
    ));
    assert!(matches!(
        store.revoke_token(ops.id, T0 + 2 * DAY).unwrap(),
        Revocation::AlreadyRevoked(t) if t.revoked_at == Some(T0 + DAY)
    ));
    assert!(matches!(
        store.revoke_token(999, T0).unwrap_err(),
        StoreError::NotFound(m) if m == "no token with id 999"
    ));
    let list = store.tokens().unwrap();
    assert_eq!(
        list.iter()
            .map(|t| (t.id, t.status(T0 + DAY).id()))
            .collect::<Vec<_>>(),
        [(ci.id, "active"), (ops.id, "revoked")]
    );
}

fn a_retried_push_is_stored_once(store: &Store) {
    let id = "0b6e4f52-3c1d-4d8e-9a51-1f2e3d4c5b6a";
    let inv = inventory(3);
    let first = store
        .ingest(id, &meta("acme/shop", "c1"), &inv, &[], Some(7))
        .unwrap();
    let Ingested::Created { id: scan } = first else {
        panic!("{first:?}")
    };
    // The retry (same scan id, same repository and commit; the times may differ).
    let mut again = meta("acme/shop", "c1");
    again.finished_at += 5000;
    assert_eq!(
        store.ingest(id, &again, &inv, &[], Some(7)).unwrap(),
        Ingested::Existing { id: scan }
    );
    assert_eq!(store.history("acme/shop", 10).unwrap().len(), 1);
    assert_eq!(store.components(scan).unwrap(), inv.components);
    assert_eq!(
        store
            .block_on(store.inner().client_scan_id(scan))
            .unwrap()
            .as_deref(),
        Some(id)
    );

    // The same id for another commit or repository is another push: refused.
    assert_eq!(
        store
            .ingest(id, &meta("acme/shop", "c2"), &inv, &[], None)
            .unwrap(),
        Ingested::Conflict {
            id: scan,
            repository: "acme/shop".into(),
            commit: Some("c1".into())
        }
    );
    assert!(matches!(
        store
            .ingest(id, &meta("acme/other", "c1"), &inv, &[], None)
            .unwrap(),
        Ingested::Conflict { .. }
    ));
    assert!(store.history("acme/other", 10).unwrap().is_empty());

    // Another id is another scan; plain recorded scans carry no id.
    let other = store
        .ingest(
            "7d9c7e0a-5b8f-4c39-8f0e-2a6b1c3d4e5f",
            &meta("acme/shop", "c2"),
            &inv,
            &[],
            None,
        )
        .unwrap();
    assert!(matches!(other, Ingested::Created { id } if id > scan));
    let recorded = store.record(&meta("acme/shop", "c3"), &inv, &[]).unwrap();
    assert_eq!(
        store
            .block_on(store.inner().client_scan_id(recorded))
            .unwrap(),
        None
    );
    assert_eq!(store.history("acme/shop", 10).unwrap().len(), 3);
}

fn racing_deliveries_of_one_push_store_one_scan(store: &Store) {
    // Eight deliveries of the same push at once, each on its own connection (as on several
    // replicas): exactly one stores, the others answer with its scan.
    let url = store.url().to_string();
    let id = "11111111-2222-4333-8444-555555555555";
    let outcomes: Vec<Ingested> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                s.spawn(move || {
                    let mine = Store::open(&url).unwrap();
                    mine.ingest(id, &meta("race", "c1"), &inventory(200), &[], None)
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            Ingested::Created { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(created.len(), 1, "{outcomes:?}");
    assert!(outcomes.iter().all(
        |o| matches!(o, Ingested::Created { id } | Ingested::Existing { id } if *id == created[0])
    ));
    assert_eq!(store.history("race", 10).unwrap().len(), 1);
    let rows: i64 = store.block_on(async {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) FROM components")
            .fetch_one(store.inner().pool())
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(rows, 200);
}

backends!(
    token_life_cycle,
    a_retried_push_is_stored_once,
    racing_deliveries_of_one_push_store_one_scan,
);
