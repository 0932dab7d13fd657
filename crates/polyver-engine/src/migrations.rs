//! `polyver migrations`: the chains of a scan (optionally only some), and with a database URL
//! what each framework's own table says was applied; a bad URL is the user's input, a server
//! that cannot be reached or read the environment.

use crate::EngineError;
use polyver_migrations::live::{self, LiveError};
use polyver_migrations::{analyse, Report};
use polyver_model::{Inventory, Kind};
use std::time::Duration;

/// Only the migrations extractor: the other formats are not needed for the chains.
pub fn extractors() -> Vec<&'static dyn polyver_extract::Extractor> {
    vec![polyver_extract::registry::extractor(
        polyver_model::Format::Migrations,
    )]
}

/// The chains of `inventory`; with `chains`, only migrations whose name contains one of them
/// or whose framework is one of them.
pub fn report(inventory: &Inventory, chains: &[String]) -> Report {
    let migrations: Vec<_> = inventory
        .components
        .iter()
        .filter(|c| c.kind == Kind::Migration)
        .filter(|c| {
            chains.is_empty()
                || chains
                    .iter()
                    .any(|f| c.name.contains(f.as_str()) || c.ecosystem.id() == f)
        })
        .cloned()
        .collect();
    Report::new(inventory.root.clone(), analyse(&migrations))
}

/// Reads the applied state of every chain from the database at `url` into `report`.
pub fn check_database(
    report: &mut Report,
    url: &str,
    timeout: Duration,
) -> Result<(), EngineError> {
    let mut client = live::connect(url, timeout).map_err(|e| live_error(e, url))?;
    live::check(&mut client, &mut report.chains).map_err(|e| live_error(e, url))?;
    report.recount();
    Ok(())
}

fn live_error(e: LiveError, url: &str) -> EngineError {
    match e {
        LiveError::Url(_) => EngineError::input(
            e.to_string(),
            Some("use postgres://user:password@host:5432/database".to_string()),
        ),
        LiveError::Connect(_) => EngineError::environment(
            format!("{e} ({})", redact(url)),
            Some(
                "is the server running and reachable, and are user, password and database \
                 right? (--connect-timeout raises the wait)"
                    .to_string(),
            ),
        ),
        LiveError::Query(_) => EngineError::environment(
            e.to_string(),
            Some("the table exists but has another shape, or the user may not read it".to_string()),
        ),
    }
}

/// The URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn the_password_never_shows() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact("not a url"), "not a url");
    }
}
