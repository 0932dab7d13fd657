//! `polyver version compare|satisfies|intersect|eval`: the version engine from the command line
//! (`eval --jsonl` is `polyver_engine::version_eval`).

use crate::args::{Format, GlobalArgs, VersionCommand};
use crate::output::Output;
use crate::CliError;
use polyver_report::render::version as render;
use polyver_version::{self as pv, VersionError};
use std::io;
use std::process::ExitCode;

fn input_error(e: VersionError) -> anyhow::Error {
    let hint = match e.kind {
        pv::InputKind::Version | pv::InputKind::Range => format!(
            "check the {} syntax of `{}`; `polyver version --help` lists the ecosystems",
            if e.kind == pv::InputKind::Version {
                "version"
            } else {
                "range"
            },
            e.eco
        ),
        pv::InputKind::Comparison => {
            "compare tags of one variant, e.g. 3.11-slim and 3.12-slim".to_string()
        }
    };
    let error = CliError::input(e.to_string(), Some(hint));
    // With a place to blame, the error stays underneath for `main` to show the input with a
    // caret there.
    match e.offset() {
        Some(_) => anyhow::Error::new(e).context(error),
        None => error.into(),
    }
}

pub fn run(cmd: VersionCommand, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    match cmd {
        VersionCommand::Compare { eco, a, b } => {
            let ord = pv::compare(eco, &a, &b).map_err(input_error)?;
            match global.format {
                Format::Json => out.json(&render::compare_json(eco, &a, &b, ord))?,
                _ => out.write(&render::compare(&a, &b, ord, &out.term))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        VersionCommand::Satisfies {
            eco,
            version,
            range,
        } => {
            let ok = pv::satisfies(eco, &version, &range).map_err(input_error)?;
            match global.format {
                Format::Json => out.json(&render::satisfies_json(eco, &version, &range, ok))?,
                _ => out.write(&render::satisfies(eco, &version, &range, ok, &out.term))?,
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        VersionCommand::Intersect { eco, a, b } => {
            let i = pv::intersect(eco, &a, &b).map_err(input_error)?;
            match global.format {
                Format::Json => out.json(&render::intersect_json(eco, &a, &b, &i))?,
                _ => out.write(&render::intersect(&i, &out.term))?,
            }
            Ok(if i.empty {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        VersionCommand::Eval { jsonl: _ } => {
            let stdin = io::stdin();
            polyver_engine::version_eval::eval_stream(stdin.lock(), &mut out.writer)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
