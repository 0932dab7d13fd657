//! How each package manager writes a package on its command line: the flags that take a
//! value (so the value is never read as a package) and the split of one word into name,
//! version and constraint (`curl=7.88.1-10`, `x~1.2`, `x==1.2`, `@s/x@^1`, `m@v1.2.0`).

use crate::pep508;

/// A package word split into its name and version part.
pub(super) struct Spec {
    pub name: String,
    pub version: Option<String>,
    pub constraint: Option<String>,
}

pub(super) const APT_VALUE_FLAGS: &[&str] = &[
    "-o",
    "-t",
    "-c",
    "--option",
    "--target-release",
    "--config-file",
    "--default-release",
];
pub(super) const APK_VALUE_FLAGS: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "--repositories-file",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--cache-max-age",
];
pub(super) const PIP_VALUE_FLAGS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--progress-bar",
    "--cache-dir",
    "--src",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--global-option",
    "--python",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--report",
    "--root-user-action",
    "-p",
];
pub(super) const NPM_VALUE_FLAGS: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "--omit",
    "--include",
    "--tag",
    "-w",
    "--workspace",
    "--loglevel",
    "--userconfig",
    "--install-strategy",
    "--dir",
    "-C",
];
pub(super) const GO_VALUE_FLAGS: &[&str] = &[
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-tags",
    "-mod",
    "-modfile",
    "-o",
    "-p",
    "-buildmode",
    "-compiler",
    "-pkgdir",
    "-toolexec",
    "-overlay",
    "-exec",
    "-C",
    "-gccgoflags",
    "-installsuffix",
];
pub(super) const CONDA_VALUE_FLAGS: &[&str] = &[
    "-c",
    "--channel",
    "-n",
    "--name",
    "-p",
    "--prefix",
    "-f",
    "--file",
    "-r",
    "--root-prefix",
    "--platform",
    "--subdir",
];
pub(super) const GEM_VALUE_FLAGS: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "-s",
    "--source",
    "-P",
    "--trust-policy",
    "--platform",
    "-g",
    "--file",
    "--build-root",
];

/// A word that names a file, URL or directory rather than a registry package.
pub(super) fn is_path_or_url(word: &str) -> bool {
    word.contains("://")
        || word.starts_with(['.', '/', '~'])
        || [".deb", ".apk", ".whl", ".tar.gz", ".tgz", ".zip", ".gem"]
            .iter()
            .any(|ext| word.ends_with(ext))
}

pub(super) fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | ':'))
}

/// `curl=7.88.1-10`, `curl/bookworm-backports`, `curl`.
pub(super) fn split_apt(word: &str) -> Option<Spec> {
    if is_path_or_url(word) || word.contains(['*', '?', '[']) {
        return None;
    }
    let (name, version) = match word.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (word.split('/').next().unwrap_or(word), None),
    };
    plain_name(name).then(|| Spec {
        name: name.to_string(),
        version: version.filter(|v| !v.is_empty()).map(str::to_string),
        constraint: None,
    })
}

/// `curl=8.5.0-r0`, `curl~8.5`, `curl>8`, `curl@edge`.
pub(super) fn split_apk(word: &str) -> Option<Spec> {
    if is_path_or_url(word) {
        return None;
    }
    let word = word.split('@').next().unwrap_or(word);
    let at = word.find(['=', '~', '<', '>']);
    let (name, op) = match at {
        Some(i) => (&word[..i], Some(&word[i..])),
        None => (word, None),
    };
    let mut spec = Spec {
        name: name.to_string(),
        version: None,
        constraint: None,
    };
    match op {
        Some(op)
            if op.starts_with('=') && !op[1..].starts_with(['=', '<', '>']) && op.len() > 1 =>
        {
            spec.version = Some(op[1..].to_string());
        }
        Some(op) if op.len() > 1 => spec.constraint = Some(op.to_string()),
        _ => {}
    }
    plain_name(name).then_some(spec)
}

/// A PEP 508 requirement (`x==1.2`, `x[extra]>=1`), not a path or URL.
pub(super) fn split_pip(word: &str) -> Option<Spec> {
    if is_path_or_url(word) {
        return None;
    }
    let req = pep508::parse(word).ok()?;
    if req.url.is_some() {
        return None;
    }
    Some(Spec {
        version: req.pinned_version(),
        constraint: req.specifier,
        name: req.name,
    })
}

/// `x@1.2.3`, `@scope/x@^1`, `x@latest`, `x`.
pub(super) fn split_npm(word: &str) -> Option<Spec> {
    if is_path_or_url(word) || word.contains(':') {
        return None;
    }
    let (name, version) = match word[1..].rfind('@') {
        Some(i) => (&word[..i + 1], Some(&word[i + 2..])),
        None => (word, None),
    };
    let scoped_ok = match name.strip_prefix('@') {
        Some(rest) => rest
            .split_once('/')
            .is_some_and(|(s, n)| plain_name(s) && plain_name(n)),
        None => !name.contains('/') && plain_name(name),
    };
    if !scoped_ok {
        return None;
    }
    let mut spec = Spec {
        name: name.to_string(),
        version: None,
        constraint: None,
    };
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        apply_requirement(&mut spec, v);
    }
    Some(spec)
}

/// `golang.org/x/tools/gopls@v0.16.1`, `...@latest`.
pub(super) fn split_go(word: &str) -> Option<Spec> {
    let (path, version) = word.split_once('@')?;
    if !path.contains('.') || is_path_or_url(path) {
        return None;
    }
    Some(Spec {
        name: path.to_string(),
        version: (version.starts_with('v') && version.len() > 1).then(|| version.to_string()),
        constraint: None,
    })
}

/// `rails`, `rails:7.1.3`.
pub(super) fn split_gem(word: &str) -> Option<Spec> {
    if is_path_or_url(word) {
        return None;
    }
    let (name, version) = match word.split_once(':') {
        Some((n, v)) => (n, Some(v)),
        None => (word, None),
    };
    let mut spec = Spec {
        name: name.to_string(),
        version: None,
        constraint: None,
    };
    if let Some(v) = version {
        apply_requirement(&mut spec, v);
    }
    plain_name(name).then_some(spec)
}

/// A version as written: exact when it is a plain release (`1.2.3`), a constraint
/// otherwise (`^1`, `~> 7.1`, `11`); a dist-tag (`latest`, `next`) is neither.
pub(super) fn apply_requirement(spec: &mut Spec, requirement: &str) {
    let r = requirement.trim();
    if r.is_empty() || r.chars().all(|c| c.is_ascii_alphabetic()) {
        return;
    }
    let parts: Vec<&str> = r.split('.').collect();
    let exact = parts.len() >= 3
        && r.starts_with(|c: char| c.is_ascii_digit())
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if exact {
        spec.version = Some(r.to_string());
    } else {
        spec.constraint = Some(r.to_string());
    }
}

/// A conda match spec (`nodejs=22`, `conda-forge::numpy==1.26.4`), read as in
/// `environment.yml`.
pub(super) fn split_conda(word: &str) -> Option<Spec> {
    use crate::extractors::conda::environment::{exact_version, parse_spec};
    if is_path_or_url(word) {
        return None;
    }
    let spec = parse_spec(word).ok()?;
    Some(Spec {
        name: spec.name.to_ascii_lowercase(),
        version: exact_version(&spec),
        constraint: spec.version.map(str::to_string),
    })
}
