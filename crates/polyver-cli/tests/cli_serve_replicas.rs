//! Two `polyver serve` replicas on one PostgreSQL database (a schema of its own in
//! POLYVER_TEST_DATABASE_URL; skipped with a message when no server answers, failed under
//! CI=true): both start at once on an empty database (the migrator's advisory lock lets one
//! create the schema while the other waits), scans written through the store API read the
//! same from both, a page from one continues on the other, and a scan stored later is seen
//! by both at once: nothing is kept in a replica between requests.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/serve.rs"]
mod serve;

#[path = "../../polyver-server/tests/support/registry.rs"]
mod registry;

use registry::{BILLING, SHOP};
use serde_json::Value;

#[test]
fn two_servers_on_one_postgresql_answer_alike() {
    let Some(pg) = pg::PgSchema::create("replicas") else {
        return;
    };
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let url = pg.url.clone();
            std::thread::spawn(move || serve::start(&url, &[], &[("RUST_LOG", "warn")]))
        })
        .collect();
    let replicas: Vec<serve::Served> = starts.into_iter().map(|t| t.join().unwrap()).collect();
    let (a, b) = (&replicas[0].addr, &replicas[1].addr);

    let store = polyver_store::Store::open(&pg.url).unwrap();
    let seeded = registry::seed(&store);
    let shop = SHOP.replace('/', "%2F");
    let paths = [
        "/api/v1/repositories".to_string(),
        format!("/api/v1/repositories/{shop}"),
        format!("/api/v1/repositories/{shop}/scans"),
        format!("/api/v1/repositories/{shop}/diff?from=-1&to=latest"),
        format!("/api/v1/scans/{}", seeded.shop),
        format!(
            "/api/v1/scans/{}/components?ecosystem=pypi&range=%3C2.31",
            seeded.shop
        ),
        format!(
            "/api/v1/scans/{}/findings?severity=critical,high",
            seeded.shop
        ),
        "/api/v1/search/components?ecosystem=pypi&name=requests&range=%3C2.31".to_string(),
        "/api/v1/search/components?ecosystem=docker&name=postgres&range=%3C15".to_string(),
    ];
    for path in &paths {
        let (from_a, from_b) = (serve::get_json(a, path), serve::get_json(b, path));
        assert_eq!(from_a, from_b, "{path}");
        assert_ne!(
            from_a["items"],
            Value::Array(vec![]),
            "{path} found nothing"
        );
    }
    let search = serve::get_json(a, &paths[7]);
    assert_eq!(search["items"][0]["repository"], BILLING);

    // A cursor is a position, not a replica's state: a's first page continues on b.
    let first = serve::get_json(a, "/api/v1/repositories?limit=2");
    let next = first["next"].as_str().unwrap();
    assert_eq!(serve::get_json(b, next), serve::get_json(a, next));
    assert_eq!(serve::get_json(b, next)["items"][0]["name"], "ops/infra");

    // A scan stored now is every replica's answer at once.
    let newer = store
        .record(
            &registry::meta(
                BILLING,
                "5555555555555555555555555555555555555555",
                1_800_000_000_000,
            ),
            &registry::inventory(vec![registry::requirement("requests", "2.32.3", 1)]),
            &[],
        )
        .unwrap();
    for addr in [a, b] {
        let billing = serve::get_json(
            addr,
            &format!("/api/v1/repositories/{}", BILLING.replace('/', "%2F")),
        );
        assert_eq!(billing["latest_scan"]["id"], newer);
        assert_eq!(billing["scans"], 2);
        let search = serve::get_json(addr, &paths[7]);
        assert_eq!(
            search["items"],
            Value::Array(vec![]),
            "{addr}: billing moved to 2.32.3"
        );
    }

    // Both replicas ran the migrator on one database; each migration is recorded once.
    let mut client = pg
        .base
        .parse::<postgres::Config>()
        .unwrap()
        .connect(postgres::NoTls)
        .unwrap();
    let versions: Vec<i64> = client
        .query(
            &format!(
                "SELECT version FROM {}._sqlx_migrations ORDER BY version",
                pg.name
            ),
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, polyver_store::schema::versions());
    drop(replicas);
}
