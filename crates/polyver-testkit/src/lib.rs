//! Test support shared by polyver's crates (a dev-dependency only).
//!
//! Some tests need what a laptop may not have: a PostgreSQL server, the shared OSV snapshot,
//! the corpus generator. Locally such a test may skip, saying so; in CI a skip would turn a
//! missing service into a green run that proved nothing, so under `CI=true` it fails instead,
//! naming what is missing and how to provide it.

pub mod tls;

/// Whether the tests run in CI: `CI` is `true` or `1` (GitHub Actions, GitLab CI and most
/// others set `CI=true`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Called by a test that cannot run because `missing` is missing; the caller returns next.
///
/// Under CI it panics with `missing` and `provide` (how to provide it); otherwise it prints
/// `skipped: missing (provide)` to stderr.
#[track_caller]
pub fn skip(missing: &str, provide: &str) {
    if in_ci() {
        panic!("{missing}: tests may not skip under CI=true; {provide}");
    }
    eprintln!("skipped: {missing} ({provide})");
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test touches CI, so that no other test of this crate sees it change.
    #[test]
    fn skips_locally_and_fails_in_ci() {
        std::env::remove_var("CI");
        assert!(!in_ci());
        skip("nothing", "nothing to do");
        std::env::set_var("CI", "true");
        assert!(in_ci());
        let panic =
            std::panic::catch_unwind(|| skip("no PostgreSQL at x", "start one")).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert_eq!(
            message,
            "no PostgreSQL at x: tests may not skip under CI=true; start one"
        );
        std::env::set_var("CI", "false");
        assert!(!in_ci());
        std::env::remove_var("CI");
    }
}
