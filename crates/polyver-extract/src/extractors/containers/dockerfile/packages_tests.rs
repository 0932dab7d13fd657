use super::*;
use crate::extractors::containers::dockerfile::expand::Var;

fn vars(pairs: &[(&str, Option<&str>)]) -> Vars {
    let mut v = Vars::default();
    for (k, val) in pairs {
        v.args.insert(
            k.to_string(),
            val.map_or(Var::Unset, |s| Var::Set(s.to_string())),
        );
    }
    v
}

/// `(ecosystem:name, version, constraint)` of a found package.
type Found = (String, Option<String>, Option<String>);

fn found(run: &str, vars: &Vars) -> (Vec<Found>, Extracted) {
    let file = SourceFile::from_text("Dockerfile", "");
    let mut out = Extracted::default();
    let components = run_packages(run, vars, &file, 3, &mut out)
        .into_iter()
        .map(|c| {
            (
                format!("{}:{}", c.ecosystem, c.name),
                c.version,
                c.constraint.map(|r| r.raw),
            )
        })
        .collect();
    (components, out)
}

fn names(run: &str) -> Vec<String> {
    found(run, &Vars::default())
        .0
        .into_iter()
        .map(|(n, v, c)| {
            format!("{n} {} {}", v.unwrap_or_default(), c.unwrap_or_default())
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn apt_with_flags_chains_and_pins() {
    assert_eq!(
        names("apt-get update && apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef curl=7.88.1-10 git ca-certificates/bookworm && rm -rf /var/lib/apt/lists/*"),
        vec!["deb:curl 7.88.1-10", "deb:git", "deb:ca-certificates"]
    );
}

#[test]
fn apk_virtual_and_ranges() {
    assert_eq!(
        names("apk add --no-cache --virtual .build-deps shadow=4.13-r0 'py3-pip>23' musl@edge"),
        vec!["apk:shadow 4.13-r0", "apk:py3-pip  >23", "apk:musl"]
    );
}

#[test]
fn pip_npm_gem_go() {
    assert_eq!(
        names("python3 -m pip install --no-cache-dir -r requirements.txt 'flask==3.0.3' 'gunicorn>=21,<23' . -e ./lib"),
        vec!["pypi:flask 3.0.3 ==3.0.3", "pypi:gunicorn  >=21,<23"]
    );
    assert_eq!(
        names(
            "npm install -g corepack@0.34.6 npm@11 @angular/cli@^17 typescript@latest ./local.tgz"
        ),
        vec![
            "npm:corepack 0.34.6",
            "npm:npm  11",
            "npm:@angular/cli  ^17",
            "npm:typescript"
        ]
    );
    assert_eq!(
        names("gem install bundler -v 2.5.6 --no-document; gem install rake:13.2.1"),
        vec!["rubygems:bundler 2.5.6", "rubygems:rake 13.2.1"]
    );
    assert_eq!(
        names("go install github.com/mattn/goreman@latest && go install -ldflags '-s' golang.org/x/tools/gopls@v0.16.1"),
        vec!["go:github.com/mattn/goreman", "go:golang.org/x/tools/gopls v0.16.1"]
    );
}

#[test]
fn conda_with_clustered_flags() {
    assert_eq!(
        names("micromamba install -c nodefaults -c conda-forge -yn base nodejs=22 yarn=3 git python==3.12.4"),
        vec!["conda:nodejs  =22", "conda:yarn  =3", "conda:git", "conda:python 3.12.4 ==3.12.4"]
    );
}

#[test]
fn not_installs() {
    assert!(names("apt-get update && apt-get clean && pip download x==1 && npm ci").is_empty());
    assert!(names("echo apt-get install curl").is_empty());
    assert!(names("if grep -q x /etc/os-release; then apk add --no-cache y=1-r0; fi").len() == 1);
    assert_eq!(
        names("[\"apk\", \"add\", \"curl=8.5.0-r0\"]"),
        vec!["apk:curl 8.5.0-r0"]
    );
    assert_eq!(
        names("--mount=type=cache,target=/root/.cache pip install uv==0.4.0"),
        vec!["pypi:uv 0.4.0 ==0.4.0"]
    );
}

#[test]
fn variables_resolved_or_refused() {
    let v = vars(&[
        ("GIT_V", Some("1:2.47.3-0+deb13u1")),
        ("NODE_V", None),
        ("PKGS", Some("jq wget")),
    ]);
    let (c, out) = found(
        "apt-get install -y git=${GIT_V} $PKGS nodejs=$NODE_V $EXTRA",
        &v,
    );
    assert_eq!(
        c,
        vec![
            ("deb:git".into(), Some("1:2.47.3-0+deb13u1".into()), None),
            ("deb:jq".into(), None, None),
            ("deb:wget".into(), None, None),
            ("deb:nodejs".into(), None, None),
        ]
    );
    assert_eq!(out.diagnostics.len(), 2, "{:?}", out.diagnostics);
    assert!(out.diagnostics.iter().all(|d| d.line == 3));
}
