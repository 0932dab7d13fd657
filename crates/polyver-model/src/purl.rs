//! Package URLs (<https://github.com/package-url/purl-spec>) for components.
//!
//! A purl is how polyver's output joins the rest of the supply-chain world (OSV queries,
//! CycloneDX/SPDX documents), so it follows the spec's canonical form: lowercase type,
//! each namespace/name/version segment percent-encoded (everything outside
//! `A-Z a-z 0-9 - . _ ~`), so an npm scope is `%40scope` and a digest's colon is `%3A`.
//! Types per ecosystem: `pypi`, `npm`, `cargo`, `golang`, `maven`, `gem`, `composer`,
//! `nuget`, `docker`, `githubactions`, `helm` (chart repository in `repository_url`),
//! `terraform` (provider/module address as namespace path), `julia` (the package UUID in
//! `uuid`), `hackage`, `pub`, `swift` (host and owner as namespace), `cocoapods` (a subspec
//! as subpath), `conan` (user, channel and recipe revision as qualifiers), `cran`; schema
//! migrations are
//! `generic` with the framework as namespace (`pkg:generic/alembic/db%2Fversions@ae1027a6acf`);
//! anything else is `generic`.

use crate::Ecosystem;
use std::fmt::Write;

/// Percent-encodes one purl segment.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The parts of a purl before rendering.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackageUrl {
    pub ty: String,
    pub namespace: Vec<String>,
    pub name: String,
    pub version: Option<String>,
    /// Sorted by key when rendered.
    pub qualifiers: Vec<(String, String)>,
    pub subpath: Option<String>,
}

impl PackageUrl {
    /// The canonical string form.
    pub fn render(&self) -> String {
        let mut out = format!("pkg:{}/", self.ty.to_ascii_lowercase());
        for ns in self.namespace.iter().filter(|s| !s.is_empty()) {
            out.push_str(&encode_segment(ns));
            out.push('/');
        }
        out.push_str(&encode_segment(&self.name));
        if let Some(v) = self.version.as_deref().filter(|v| !v.is_empty()) {
            out.push('@');
            out.push_str(&encode_segment(v));
        }
        let mut qualifiers: Vec<_> = self
            .qualifiers
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        qualifiers.sort();
        for (i, (k, v)) in qualifiers.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&k.to_ascii_lowercase());
            out.push('=');
            out.push_str(&encode_segment(v));
        }
        if let Some(sub) = self.subpath.as_deref() {
            let segs: Vec<String> = sub
                .split('/')
                .filter(|s| !s.is_empty() && *s != "." && *s != "..")
                .map(encode_segment)
                .collect();
            if !segs.is_empty() {
                out.push('#');
                out.push_str(&segs.join("/"));
            }
        }
        out
    }
}

/// The purl of a component, from its ecosystem, normalized name and exact version.
pub fn for_component(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    let mut p = PackageUrl {
        version: version.map(str::to_string),
        ..PackageUrl::default()
    };
    match ecosystem {
        Ecosystem::Pypi => {
            p.ty = "pypi".into();
            p.name = name.to_ascii_lowercase().replace('_', "-");
        }
        Ecosystem::Npm => {
            p.ty = "npm".into();
            match name.split_once('/') {
                Some((scope, rest)) if scope.starts_with('@') => {
                    p.namespace = vec![scope.to_string()];
                    p.name = rest.to_string();
                }
                _ => p.name = name.to_string(),
            }
        }
        Ecosystem::Docker => return docker(name, version, None),
        Ecosystem::GithubActions => {
            p.ty = "githubactions".into();
            let mut parts = name.splitn(3, '/');
            let owner = parts.next().unwrap_or_default();
            match parts.next() {
                Some(repo) => {
                    p.namespace = vec![owner.to_string()];
                    p.name = repo.to_string();
                    p.subpath = parts.next().map(str::to_string);
                }
                None => p.name = owner.to_string(),
            }
        }
        Ecosystem::Cargo => simple(&mut p, "cargo", name),
        Ecosystem::Rubygems => simple(&mut p, "gem", name),
        Ecosystem::Nuget => simple(&mut p, "nuget", name),
        Ecosystem::Go => path_like(&mut p, "golang", name, '/'),
        Ecosystem::Composer => path_like(&mut p, "composer", name, '/'),
        Ecosystem::Maven => path_like(&mut p, "maven", name, ':'),
        Ecosystem::Helm => return helm(name, version, None),
        Ecosystem::Terraform => path_like(&mut p, "terraform", name, '/'),
        Ecosystem::Pub => simple(&mut p, "pub", &name.to_ascii_lowercase()),
        // `github.com/apple/swift-nio`: the host and owner are the namespace.
        Ecosystem::Swift => path_like(&mut p, "swift", name, '/'),
        Ecosystem::Cocoapods => simple(&mut p, "cocoapods", name),
        Ecosystem::Conan => simple(&mut p, "conan", name),
        Ecosystem::Cran => simple(&mut p, "cran", name),
        Ecosystem::Julia => simple(&mut p, "julia", name),
        Ecosystem::Hackage => simple(&mut p, "hackage", name),
        Ecosystem::Hex => simple(&mut p, "hex", &name.to_ascii_lowercase()),
        Ecosystem::Conda => simple(&mut p, "conda", name),
        // The distribution is not known from a pin alone: `pkg:deb/curl@7.88.1-10`.
        Ecosystem::Deb => simple(&mut p, "deb", name),
        Ecosystem::Apk => simple(&mut p, "apk", name),
        // Schema migrations and API documents: `pkg:generic/<ecosystem>/<name>@<version>`, the
        // name (a migration chain's repo-relative directory, an API's title) kept as one
        // percent-encoded segment.
        e if e == Ecosystem::Openapi || e.is_migration_framework() => {
            p.ty = "generic".into();
            p.namespace = vec![e.id().to_string()];
            p.name = name.to_string();
        }
        _ => simple(&mut p, "generic", name),
    }
    p.render()
}

fn simple(p: &mut PackageUrl, ty: &str, name: &str) {
    p.ty = ty.into();
    p.name = name.to_string();
}

fn path_like(p: &mut PackageUrl, ty: &str, name: &str, sep: char) {
    p.ty = ty.into();
    match name.rsplit_once(sep) {
        Some((ns, n)) => {
            p.namespace = ns.split(sep).map(str::to_string).collect();
            p.name = n.to_string();
        }
        None => p.name = name.to_string(),
    }
}

fn decode_segment(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parses a purl (`pkg:type/namespace/name@version?qualifiers#subpath`) into its decoded
/// parts, as the spec's parsing rules give them; `None` when it is not a purl.
pub fn parse(purl: &str) -> Option<PackageUrl> {
    let rest = purl.trim().strip_prefix("pkg:")?.trim_start_matches('/');
    let (rest, subpath) = match rest.split_once('#') {
        Some((r, sub)) => (r, Some(sub)),
        None => (rest, None),
    };
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let rest = rest.trim_end_matches('/');
    let (ty, path) = rest.split_once('/')?;
    if ty.is_empty()
        || !ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    {
        return None;
    }
    // The version follows the last `@` of the path (an npm scope's `@` is encoded or first).
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) if !p.is_empty() && !p.ends_with('/') => (p, Some(decode_segment(v)?)),
        _ => (path, None),
    };
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_segment)
        .collect::<Option<_>>()?;
    let name = segments.pop().filter(|n| !n.is_empty())?;
    let mut parsed = PackageUrl {
        ty: ty.to_ascii_lowercase(),
        namespace: segments,
        name,
        version: version.filter(|v| !v.is_empty()),
        qualifiers: Vec::new(),
        subpath: None,
    };
    for pair in qualifiers
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=')?;
        parsed
            .qualifiers
            .push((k.to_ascii_lowercase(), decode_segment(v)?));
    }
    if let Some(sub) = subpath {
        let segs: Vec<String> = sub
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .map(decode_segment)
            .collect::<Option<_>>()?;
        parsed.subpath = (!segs.is_empty()).then(|| segs.join("/"));
    }
    Some(parsed)
}

impl PackageUrl {
    /// A qualifier's value.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Helm chart purls carry the chart repository (`https://` index or `oci://` registry) in
/// `repository_url`, since chart names are only unique within a repository.
pub(crate) fn helm(name: &str, version: Option<&str>, repository: Option<&str>) -> String {
    let mut qualifiers = Vec::new();
    // An `@alias` names a repository only in the user's local Helm config.
    if let Some(r) = repository.filter(|r| r.contains("://")) {
        qualifiers.push(("repository_url".to_string(), r.to_string()));
    }
    PackageUrl {
        ty: "helm".into(),
        name: name.to_string(),
        version: version.map(str::to_string),
        qualifiers,
        ..PackageUrl::default()
    }
    .render()
}

/// Julia purls carry the package UUID in `uuid` (required by the purl type: a Julia package
/// is its name and UUID; `pkg:julia/Dates@1.9.0?uuid=ade2ca70-3891-5945-98fb-dc099432e06a`).
pub(crate) fn julia(name: &str, version: Option<&str>, uuid: Option<&str>) -> String {
    PackageUrl {
        ty: "julia".into(),
        name: name.to_string(),
        version: version.map(str::to_string),
        qualifiers: uuid
            .map(|u| vec![("uuid".to_string(), u.to_string())])
            .unwrap_or_default(),
        ..PackageUrl::default()
    }
    .render()
}

/// A CocoaPods subspec (`Firebase/Core` is pod `Firebase`, subspec `Core`) is the purl's
/// subpath, as the spec's `cocoapods` type says: `pkg:cocoapods/Firebase@10.0.0#Core`.
pub(crate) fn cocoapods(name: &str, version: Option<&str>, subspec: Option<&str>) -> String {
    PackageUrl {
        ty: "cocoapods".into(),
        name: name.to_string(),
        version: version.map(str::to_string),
        subpath: subspec.map(str::to_string),
        ..PackageUrl::default()
    }
    .render()
}

/// Conan's `name/version@user/channel#rrev` as the spec's `conan` type writes it: user and
/// channel (given as `@user/channel`) and the recipe revision are qualifiers,
/// `pkg:conan/zlib@1.2.11?channel=stable&rrev=5f49&user=conan`.
pub(crate) fn conan(
    name: &str,
    version: Option<&str>,
    user_channel: Option<&str>,
    recipe_revision: Option<&str>,
) -> String {
    let mut qualifiers = Vec::new();
    if let Some((user, channel)) = user_channel
        .and_then(|u| u.strip_prefix('@'))
        .map(|u| u.split_once('/').unwrap_or((u, "")))
    {
        qualifiers.push(("user".to_string(), user.to_string()));
        qualifiers.push(("channel".to_string(), channel.to_string()));
    }
    if let Some(rrev) = recipe_revision {
        qualifiers.push(("rrev".to_string(), rrev.to_string()));
    }
    PackageUrl {
        ty: "conan".into(),
        name: name.to_string(),
        version: version.map(str::to_string),
        qualifiers,
        ..PackageUrl::default()
    }
    .render()
}

/// conda purls carry the channel a spec names (`conda-forge::numpy`) in `channel`, as the
/// purl spec has it; a spec without one is resolved against the environment's channel list,
/// which the purl leaves out.
pub(crate) fn conda(name: &str, version: Option<&str>, channel: Option<&str>) -> String {
    let qualifiers = channel
        .map(|c| vec![("channel".to_string(), c.to_string())])
        .unwrap_or_default();
    PackageUrl {
        ty: "conda".into(),
        name: name.to_string(),
        version: version.map(str::to_string),
        qualifiers,
        ..PackageUrl::default()
    }
    .render()
}

/// Docker purls put a non-Docker-Hub registry into `repository_url` and a pinned platform
/// into `platform`; the version is the digest when the reference has one (the exact image),
/// otherwise the tag.
pub(crate) fn docker(name: &str, version: Option<&str>, platform: Option<&str>) -> String {
    let (registry, path) = split_registry(name);
    let (ns, n) = match path.rsplit_once('/') {
        Some((ns, n)) => (ns.split('/').map(str::to_string).collect(), n.to_string()),
        None => (Vec::new(), path.to_string()),
    };
    let mut qualifiers = Vec::new();
    if let Some(r) = registry {
        qualifiers.push(("repository_url".to_string(), r.to_string()));
    }
    if let Some(p) = platform {
        qualifiers.push(("platform".to_string(), p.to_string()));
    }
    PackageUrl {
        ty: "docker".into(),
        namespace: ns,
        name: n,
        version: version.map(str::to_string),
        qualifiers,
        subpath: None,
    }
    .render()
}

/// Splits `registry.example.com:5000/team/app` into the registry and the repository path,
/// by Docker's own rule: the first component is a registry when it contains `.` or `:` or
/// is `localhost`.
pub fn split_registry(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_inverts_render() {
        for (ecosystem, name, version) in [
            (Ecosystem::Npm, "@babel/core", Some("7.24.0")),
            (Ecosystem::Pypi, "requests", Some("2.31.0")),
            (
                Ecosystem::Maven,
                "com.google.guava:guava",
                Some("33.0.0-jre"),
            ),
            (Ecosystem::Go, "github.com/gin-gonic/gin", Some("v1.9.1")),
            (
                Ecosystem::Docker,
                "ghcr.io/astral-sh/uv",
                Some("sha256:abc"),
            ),
            (Ecosystem::Cargo, "serde", None),
        ] {
            let purl = for_component(ecosystem, name, version);
            let parsed = parse(&purl).unwrap_or_else(|| panic!("{purl}"));
            assert_eq!(parsed.render(), purl);
            assert_eq!(parsed.version.as_deref(), version, "{purl}");
        }
        let p = parse("pkg:npm/%40angular/core@17.0.0?arch=x#lib/x").unwrap();
        assert_eq!(p.namespace, ["@angular"]);
        assert_eq!(p.name, "core");
        assert_eq!(p.qualifier("arch"), Some("x"));
        assert_eq!(p.subpath.as_deref(), Some("lib/x"));
        for bad in ["", "pkg:", "pkg:npm", "npm/x@1", "pkg:npm/%zz@1", "pkg:/x"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn migration_purls() {
        assert_eq!(
            for_component(
                Ecosystem::Alembic,
                "api/alembic/versions",
                Some("ae1027a6acf")
            ),
            "pkg:generic/alembic/api%2Falembic%2Fversions@ae1027a6acf"
        );
        assert_eq!(
            for_component(Ecosystem::GolangMigrate, "db/migrations", Some("3")),
            "pkg:generic/golang-migrate/db%2Fmigrations@3"
        );
        assert_eq!(
            for_component(Ecosystem::Flyway, "db/migration", None),
            "pkg:generic/flyway/db%2Fmigration"
        );
    }

    #[test]
    fn julia_and_hackage_purls_follow_their_type_definitions() {
        // purl-spec's own examples (types/julia-definition.json, hackage-definition.json).
        assert_eq!(
            julia(
                "Dates",
                Some("1.9.0"),
                Some("ade2ca70-3891-5945-98fb-dc099432e06a")
            ),
            "pkg:julia/Dates@1.9.0?uuid=ade2ca70-3891-5945-98fb-dc099432e06a"
        );
        assert_eq!(
            julia("Dates", None, Some("ade2ca70-3891-5945-98fb-dc099432e06a")),
            "pkg:julia/Dates?uuid=ade2ca70-3891-5945-98fb-dc099432e06a"
        );
        assert_eq!(
            for_component(Ecosystem::Hackage, "AC-HalfInteger", Some("1.2.1")),
            "pkg:hackage/AC-HalfInteger@1.2.1"
        );
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(
            for_component(Ecosystem::Pypi, "django-rest-framework", Some("3.14.0")),
            "pkg:pypi/django-rest-framework@3.14.0"
        );
        assert_eq!(
            for_component(Ecosystem::Npm, "@angular/core", Some("17.0.0")),
            "pkg:npm/%40angular/core@17.0.0"
        );
        assert_eq!(
            for_component(Ecosystem::Npm, "lodash", None),
            "pkg:npm/lodash"
        );
        assert_eq!(
            for_component(Ecosystem::Docker, "python", Some("3.11-slim")),
            "pkg:docker/python@3.11-slim"
        );
        assert_eq!(
            for_component(
                Ecosystem::Docker,
                "gcr.io/distroless/base",
                Some("sha256:abc")
            ),
            "pkg:docker/distroless/base@sha256%3Aabc?repository_url=gcr.io"
        );
        assert_eq!(
            for_component(Ecosystem::GithubActions, "actions/checkout", Some("v4")),
            "pkg:githubactions/actions/checkout@v4"
        );
        assert_eq!(
            for_component(
                Ecosystem::GithubActions,
                "github/codeql-action/init",
                Some("v3")
            ),
            "pkg:githubactions/github/codeql-action@v3#init"
        );
        assert_eq!(
            for_component(Ecosystem::Generic, "python", Some("3.11.4")),
            "pkg:generic/python@3.11.4"
        );
        assert_eq!(
            for_component(Ecosystem::Maven, "org.apache:commons-lang3", Some("3.12.0")),
            "pkg:maven/org.apache/commons-lang3@3.12.0"
        );
        assert_eq!(
            for_component(Ecosystem::Terraform, "hashicorp/aws", Some("5.31.0")),
            "pkg:terraform/hashicorp/aws@5.31.0"
        );
        assert_eq!(
            helm(
                "redis",
                Some("18.6.4"),
                Some("https://charts.bitnami.com/bitnami")
            ),
            "pkg:helm/redis@18.6.4?repository_url=https%3A%2F%2Fcharts.bitnami.com%2Fbitnami"
        );
        assert_eq!(helm("common", None, Some("@bitnami")), "pkg:helm/common");
        assert_eq!(
            for_component(Ecosystem::Pypi, "foo", Some("1.0+local")),
            "pkg:pypi/foo@1.0%2Blocal"
        );
    }

    /// The purl-spec's own examples of the lock formats' types (types/*-definition.json).
    #[test]
    fn lock_format_types_follow_the_spec_examples() {
        assert_eq!(
            for_component(Ecosystem::Pub, "characters", Some("1.2.0")),
            "pkg:pub/characters@1.2.0"
        );
        assert_eq!(
            for_component(
                Ecosystem::Swift,
                "github.com/Alamofire/Alamofire",
                Some("5.4.3")
            ),
            "pkg:swift/github.com/Alamofire/Alamofire@5.4.3"
        );
        assert_eq!(
            cocoapods("ShareKit", Some("2.0"), Some("Twitter")),
            "pkg:cocoapods/ShareKit@2.0#Twitter"
        );
        assert_eq!(
            cocoapods("AFNetworking", Some("4.0.1"), None),
            "pkg:cocoapods/AFNetworking@4.0.1"
        );
        assert_eq!(
            conan("openssl", Some("3.0.3"), None, None),
            "pkg:conan/openssl@3.0.3"
        );
        assert_eq!(
            conan("openssl", Some("3.0.3"), Some("@bincrafters/stable"), None),
            "pkg:conan/openssl@3.0.3?channel=stable&user=bincrafters"
        );
        assert_eq!(
            conan(
                "zlib",
                Some("1.3.1"),
                None,
                Some("f52e03ae3d251dec704634230cd806a2")
            ),
            "pkg:conan/zlib@1.3.1?rrev=f52e03ae3d251dec704634230cd806a2"
        );
        assert_eq!(
            for_component(Ecosystem::Cran, "rJava", Some("1.0-4")),
            "pkg:cran/rJava@1.0-4"
        );
    }
}
