use super::*;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn query(npm: &[&str], python: &[&str]) -> InstalledQuery {
    InstalledQuery {
        npm_dirs: ["".to_string(), "web".to_string()].into(),
        npm_names: npm.iter().map(|s| s.to_string()).collect(),
        python_dirs: ["".to_string()].into(),
        python_names: python.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn finds_asked_packages_and_honours_exclude_globs() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    write(
        r,
        "node_modules/left-pad/package.json",
        r#"{"license":"MIT"}"#,
    );
    write(
        r,
        "node_modules/@types/node/package.json",
        r#"{"license":"MIT"}"#,
    );
    write(r, "node_modules/unasked/package.json", "{}");
    write(
        r,
        "web/node_modules/left-pad/package.json",
        r#"{"license":"ISC"}"#,
    );
    write(
        r,
        ".venv/lib/python3.12/site-packages/Jinja2-3.1.4.dist-info/METADATA",
        "Name: Jinja2\n",
    );
    write(
        r,
        "venv/Lib/site-packages/six-1.16.0.dist-info/METADATA",
        "Name: six\n",
    );
    let names = ["left-pad", "@types/node", "ghost"];
    let found = installed(
        r,
        &ScanConfig::default(),
        &query(&names, &["jinja2", "Six"]),
    )
    .unwrap();
    assert_eq!(
        found.npm("", "@types/node").unwrap().path,
        "node_modules/@types/node/package.json"
    );
    assert!(found.npm("web", "left-pad").unwrap().text.contains("ISC"));
    assert!(found.npm("", "unasked").is_none() && found.npm("", "ghost").is_none());
    let jinja = &found.python("Jinja2")[0];
    assert_eq!(jinja.version.as_deref(), Some("3.1.4"));
    assert_eq!(
        found.python("six")[0].path,
        "venv/Lib/site-packages/six-1.16.0.dist-info/METADATA"
    );

    // The scan's exclude globs hold here too: a folder glob and a file glob.
    let config = ScanConfig {
        exclude: vec!["web/**".into(), "**/*.dist-info/METADATA".into()],
        ..ScanConfig::default()
    };
    let found = installed(r, &config, &query(&names, &["jinja2"])).unwrap();
    assert!(found.npm("web", "left-pad").is_none());
    assert!(found.npm("", "left-pad").is_some());
    assert!(found.python("jinja2").is_empty());
}

#[cfg(unix)]
#[test]
fn links_are_read_only_where_they_land_inside_node_modules() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "package.json",
        r#"{"license":"SECRET-ISC"}"#,
    );
    let root = tempfile::tempdir().unwrap();
    let nm = root.path().join("node_modules");
    // pnpm: a link into node_modules/.pnpm is fine.
    write(
        root.path(),
        "node_modules/.pnpm/a@1.0.0/node_modules/a/package.json",
        r#"{"license":"MIT"}"#,
    );
    std::os::unix::fs::symlink(nm.join(".pnpm/a@1.0.0/node_modules/a"), nm.join("a")).unwrap();
    // A link out of the tree is not read, with or without follow-symlinks.
    std::os::unix::fs::symlink(outside.path(), nm.join("b")).unwrap();
    for follow_symlinks in [false, true] {
        let config = ScanConfig {
            follow_symlinks,
            ..ScanConfig::default()
        };
        let found = installed(root.path(), &config, &query(&["a", "b"], &[])).unwrap();
        assert!(found.npm("", "a").unwrap().text.contains("MIT"));
        assert!(found.npm("", "b").is_none());
    }
}
