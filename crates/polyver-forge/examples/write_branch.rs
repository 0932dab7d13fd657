//! Try `write_branch` and `push` by hand until `polyver update --branch` is wired:
//!
//! ```sh
//! cargo run -q -p polyver-forge --example write_branch -- REPO BASE GROUP PATH=NEW_CONTENTS_FILE... [--push REMOTE]
//! ```
//!
//! Commits each `PATH` (repository-relative) with the bytes of `NEW_CONTENTS_FILE` on
//! `polyver/GROUP` on top of `BASE`, prints the outcome as JSON, and pushes when asked.

use polyver_forge::{branch_name, push, write_branch, FileEdit, GroupChange, Signature};
use std::path::PathBuf;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let remote = args.iter().position(|a| a == "--push").map(|i| {
        let remote = args.get(i + 1).cloned().unwrap_or_else(|| usage());
        args.drain(i..=i + 1);
        remote
    });
    if args.len() < 4 {
        usage();
    }
    let files = args[3..]
        .iter()
        .map(|spec| {
            let (path, source) = spec.split_once('=').unwrap_or_else(|| usage());
            let contents = std::fs::read(source).unwrap_or_else(|e| {
                eprintln!("error: {source}: {e}");
                std::process::exit(2)
            });
            FileEdit {
                path: PathBuf::from(path),
                contents,
            }
        })
        .collect();
    let change = GroupChange {
        group: args[2].clone(),
        files,
        commit_message: format!("polyver: update {}", args[2]),
        title: format!("Update {}", args[2]),
        body: String::new(),
    };
    let repo = PathBuf::from(&args[0]);
    let author = Signature::new("polyver", "polyver@example.invalid");
    let result = write_branch(&repo, &args[1], &change, &author).and_then(|branch| {
        let pushed = match &remote {
            Some(remote) => Some(push(&repo, remote, &branch_name(&change.group))?),
            None => None,
        };
        Ok(serde_json::json!({ "branch": branch_name(&change.group), "write": branch, "push": pushed }))
    });
    match result {
        Ok(json) => println!("{}", serde_json::to_string(&json).expect("JSON")),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(e.exit_code())
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: write_branch REPO BASE GROUP PATH=NEW_CONTENTS_FILE... [--push REMOTE]");
    std::process::exit(2)
}
