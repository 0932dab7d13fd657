use super::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_args(std::iter::once("polyver").chain(args.iter().copied()))
}

#[test]
fn format_before_the_command_is_the_command_format() {
    let cli = parse(&["--config", "x.toml", "--format", "json", "db", "status"]).unwrap();
    assert_eq!(cli.global.format, Format::Json);
    assert_eq!(
        cli.global.config.as_deref(),
        Some(std::path::Path::new("x.toml"))
    );
    let cli = parse(&["-C", "dir", "--format=sarif", "check"]).unwrap();
    assert_eq!(cli.global.format, Format::Sarif);
    let cli = parse(&["--format", "json", "version", "compare", "pypi", "1", "2"]).unwrap();
    assert_eq!(cli.global.format, Format::Json);
    // Still checked against the command's own values.
    assert!(parse(&["--format", "sarif", "init"]).is_err());
    // A value that happens to be a command name is a value.
    let cli = parse(&["--config", "scan", "lock"]).unwrap();
    assert_eq!(
        cli.global.config.as_deref(),
        Some(std::path::Path::new("scan"))
    );
}

#[test]
fn db_is_offered_only_by_the_commands_that_use_the_registry() {
    for (args, db) in [
        (&["--db", "sqlite://r.db", "scan"][..], "sqlite://r.db"),
        (&["--db=sqlite://r.db", "history"][..], "sqlite://r.db"),
        (
            &["diff", "--db", "postgres://h/d", "-1"][..],
            "postgres://h/d",
        ),
        (
            &["-q", "--db", "sqlite://x y.db", "--format", "json", "scan"][..],
            "sqlite://x y.db",
        ),
        // On every subcommand of `token`, before or after it.
        (
            &["--db", "sqlite://t.db", "token", "list"][..],
            "sqlite://t.db",
        ),
        (
            &["token", "revoke", "3", "--db", "sqlite://t.db"][..],
            "sqlite://t.db",
        ),
        (
            &[
                "token",
                "create",
                "--db",
                "sqlite://t.db",
                "--scope",
                "push",
            ][..],
            "sqlite://t.db",
        ),
        // `outdated` stores its rows there; `push` reads them from there.
        (&["outdated", "--db", "sqlite://o.db"][..], "sqlite://o.db"),
        (
            &[
                "--db",
                "sqlite://r.db",
                "push",
                "--server",
                "http://s",
                "--token",
                "t",
            ][..],
            "sqlite://r.db",
        ),
    ] {
        let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(cli.global.db.as_deref(), Some(db), "{args:?}");
    }
    // Commands that never open the registry do not take it, before or after the command.
    for args in [
        &["--db", "sqlite://r.db", "check"][..],
        &["check", "--db", "sqlite://r.db"][..],
        &["--db", "sqlite://r.db", "audit"][..],
        &["--db", "sqlite://r.db", "db", "status"][..],
        &[
            "--db",
            "sqlite://r.db",
            "version",
            "compare",
            "pypi",
            "1",
            "2",
        ][..],
    ] {
        let e = parse(args).expect_err(&format!("{args:?} must be refused"));
        assert_eq!(
            e.kind(),
            clap::error::ErrorKind::UnknownArgument,
            "{args:?}"
        );
    }
    let help = Cli::command_line()
        .find_subcommand_mut("check")
        .unwrap()
        .render_help()
        .to_string();
    assert!(!help.contains("--db"), "{help}");
    let help = Cli::command_line()
        .find_subcommand_mut("scan")
        .unwrap()
        .render_help()
        .to_string();
    assert!(help.contains("--db <URL>"), "{help}");
}

#[test]
fn db_sync_and_import_take_db_only_to_rematch() {
    for args in [
        &["db", "sync", "--rematch", "--db", "sqlite://r.db"][..],
        &["--db", "sqlite://r.db", "db", "import", "x", "--rematch"][..],
    ] {
        let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(cli.global.db.as_deref(), Some("sqlite://r.db"), "{args:?}");
    }
    let e = parse(&["db", "sync", "--db", "sqlite://r.db"]).unwrap_err();
    assert_eq!(e.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    assert!(e.to_string().contains("--rematch"), "{e}");
    // An exported POLYVER_DATABASE_URL names the registry without asking for --rematch: the
    // command reads it, not clap.
    let cmd = Cli::command_line();
    let sync = cmd
        .find_subcommand("db")
        .unwrap()
        .find_subcommand("sync")
        .unwrap();
    let db = sync.get_arguments().find(|a| a.get_id() == "db").unwrap();
    assert_eq!(db.get_env(), None);
    assert!(parse(&["db", "status", "--db", "sqlite://r.db"]).is_err());
}
