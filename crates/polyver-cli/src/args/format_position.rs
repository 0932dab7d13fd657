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
