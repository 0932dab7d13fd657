//! Licences as the engine resolves them: the `[licenses]` policy, where to look (the tree
//! only, or also module caches and registries) and the registry client.

use crate::{EngineError, Settings};
use polyver_license::policy::Policy;
use polyver_license::registry::{Registry, RegistryUrls};
use polyver_license::resolve::{resolve, Sources};
use polyver_license::LicenseReport;
use polyver_model::Inventory;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Where licences may be read from.
#[derive(Clone, Debug, Default)]
pub struct LicenseSources {
    /// Also cargo's and Go's module caches (outside the tree).
    pub beyond_tree: bool,
    /// Also ask the registries (needs `beyond_tree`; `[licenses] registry = false` wins).
    pub registry: bool,
    /// `--registry-url REGISTRY=URL`, over the environment over polyver.toml.
    pub registry_urls: Vec<String>,
}

/// Resolves the licences of `inventory`. With `beyond_tree` false only the scanned tree is
/// read (lock files, its virtualenvs, node_modules and vendor folders), so the same tree
/// gives the same answer anywhere; `progress(done, total)` follows registry lookups.
pub fn licence_report(
    settings: &Settings,
    inventory: &Inventory,
    sources: &LicenseSources,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<LicenseReport, EngineError> {
    let section = &settings.config.licenses;
    let policy = Policy::from_section(section).map_err(|e| EngineError::input(e, None))?;
    let use_registry = sources.beyond_tree && sources.registry && section.registry != Some(false);
    let client = if use_registry {
        let urls = registry_urls(&section.registry_urls, &sources.registry_urls)?;
        let client = polyver_net::Client::new(polyver_net::Options {
            timeout: Duration::from_secs(30),
            retries: 2,
            ..settings.net_options()
        })
        .map_err(|e| EngineError::environment(e.to_string(), None))?;
        Some(Registry::new(client, urls))
    } else {
        None
    };
    Ok(resolve(
        &settings.root,
        inventory,
        &Sources {
            registry: client.as_ref(),
            offline: settings.offline,
            cargo_home: if sources.beyond_tree {
                cargo_home()
            } else {
                None
            },
            go_mod_cache: if sources.beyond_tree {
                go_mod_cache()
            } else {
                None
            },
            progress,
            scan: settings.scan.clone(),
        },
        &policy,
    ))
}

/// `$CARGO_HOME`, else `~/.cargo`: where cargo unpacks the crates it downloaded.
fn cargo_home() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("CARGO_HOME").or_else(|| env("HOME").map(|h| h.join(".cargo")))
}

/// `$GOMODCACHE`, else `$GOPATH/pkg/mod` (its first entry), else `~/go/pkg/mod`.
fn go_mod_cache() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = env("GOMODCACHE") {
        return Some(PathBuf::from(dir));
    }
    if let Some(gopath) = env("GOPATH") {
        return std::env::split_paths(&gopath)
            .next()
            .map(|p| p.join("pkg").join("mod"));
    }
    env("HOME").map(|h| PathBuf::from(h).join("go").join("pkg").join("mod"))
}

/// `--registry-url` over `POLYVER_{PYPI,NPM,CRATES_IO}_URL` over `[licenses] registry-urls`.
fn registry_urls(
    config: &BTreeMap<String, String>,
    cli: &[String],
) -> Result<RegistryUrls, EngineError> {
    let mut urls = RegistryUrls::default();
    let mut set = |key: &str, value: &str| -> Result<(), EngineError> {
        let slot = match key {
            "pypi" => &mut urls.pypi,
            "npm" => &mut urls.npm,
            "crates-io" => &mut urls.crates_io,
            other => {
                return Err(EngineError::input(
                    format!("unknown registry `{other}` in --registry-url"),
                    Some("use pypi=URL, npm=URL or crates-io=URL".to_string()),
                ))
            }
        };
        if !(value.starts_with("http://") || value.starts_with("https://")) {
            return Err(EngineError::input(
                format!("registry URL `{value}` is not an http(s) URL"),
                Some("for example --registry-url pypi=https://pypi.org/pypi".to_string()),
            ));
        }
        *slot = value.to_string();
        Ok(())
    };
    for (k, v) in config {
        set(k, v)?;
    }
    for (key, var) in [
        ("pypi", "POLYVER_PYPI_URL"),
        ("npm", "POLYVER_NPM_URL"),
        ("crates-io", "POLYVER_CRATES_IO_URL"),
    ] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                set(key, &v)?;
            }
        }
    }
    for arg in cli {
        let (k, v) = arg.split_once('=').ok_or_else(|| {
            EngineError::input(
                format!("--registry-url `{arg}` is not REGISTRY=URL"),
                Some("for example --registry-url npm=https://registry.npmjs.org".to_string()),
            )
        })?;
        set(k.trim(), v.trim())?;
    }
    Ok(urls)
}
