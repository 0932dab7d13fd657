//! Packages a `RUN` instruction installs with a package manager: `apt-get`/`apt install`
//! (Debian), `apk add` (Alpine), `pip install` (PyPI), `npm install`/`yarn global add`/
//! `pnpm add` (npm), `gem install` (RubyGems), `go install` (Go) and `conda`/`mamba`/
//! `micromamba install` (conda).
//!
//! The command is split as a shell would: `&&`, `||`, `;`, `|` and `&` separate commands,
//! quotes group words, `$(...)` and backquotes stay inside their word; leading `VAR=value`
//! assignments, `sudo`, `env` and shell keywords (`then`, `do`, ...) are skipped. Each
//! manager's flags are known, so the value of `-o`, `--virtual`, `-r`, `--prefix`, ... is
//! never read as a package. Variables are the stage's ARG and ENV (what the shell sees when
//! the build runs), expanded whole or not at all: `git=${GIT_APT_VERSION}` is `git` at that
//! version when the ARG has a default; otherwise `git` without a version and an
//! `unresolved` warning (no component when the package name itself is unknown).
//!
//! A pinned package (`curl=7.88.1-10`, `curl=8.5.0-r0`, `x==1.2`, `x@1.2.3`, `-v 1.2`,
//! `x@v1.2.0`) has its version; a range (`apk add 'x>1.2'`, `pip install 'x>=1,<2'`,
//! `npm i -g x@^1`) its constraint; an unpinned one is a component without a version, as an
//! image without a tag is. Paths, URLs, archives and requirements files are not packages.

use super::expand::{expand, Vars};
use super::package_specs::{
    apply_requirement, plain_name, split_apk, split_apt, split_conda, split_gem, split_go,
    split_npm, split_pip, Spec, APK_VALUE_FLAGS, APT_VALUE_FLAGS, CONDA_VALUE_FLAGS,
    GEM_VALUE_FLAGS, GO_VALUE_FLAGS, NPM_VALUE_FLAGS, PIP_VALUE_FLAGS,
};
use crate::{Extracted, SourceFile};
use polyver_model::{
    normalize_pypi_name, Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind,
};

const ID: Format = Format::Dockerfile;

/// The packages one `RUN` instruction (its text after `RUN`) installs.
pub(super) fn run_packages(
    run: &str,
    vars: &Vars,
    file: &SourceFile,
    line: u32,
    out: &mut Extracted,
) -> Vec<Component> {
    let mut found = Vec::new();
    for command in commands(strip_run_flags(run)) {
        let words = command_words(&command);
        let Some((manager, args)) = manager(words) else {
            continue;
        };
        let mut reader = Reader {
            vars,
            file,
            line,
            out: &mut *out,
            found: &mut found,
        };
        match manager {
            Manager::Apt => reader.packages(args, APT_VALUE_FLAGS, Ecosystem::Deb, split_apt),
            Manager::Apk => reader.packages(args, APK_VALUE_FLAGS, Ecosystem::Apk, split_apk),
            Manager::Pip => reader.packages(args, PIP_VALUE_FLAGS, Ecosystem::Pypi, split_pip),
            Manager::Npm => reader.packages(args, NPM_VALUE_FLAGS, Ecosystem::Npm, split_npm),
            Manager::Go => reader.packages(args, GO_VALUE_FLAGS, Ecosystem::Go, split_go),
            Manager::Conda => {
                reader.packages(args, CONDA_VALUE_FLAGS, Ecosystem::Conda, split_conda)
            }
            Manager::Gem => reader.gems(args),
        }
    }
    found
}

/// `RUN --mount=... --network=none cmd`: the command.
fn strip_run_flags(run: &str) -> &str {
    let mut rest = run.trim_start();
    while rest.starts_with("--") {
        rest = rest
            .find(char::is_whitespace)
            .map_or("", |i| rest[i..].trim_start());
    }
    rest
}

/// The simple commands of a shell line, each as its raw words (quotes kept for `expand`).
/// The exec form (`["apk", "add", "curl"]`) is one command.
fn commands(text: &str) -> Vec<Vec<String>> {
    if let Ok(crate::json::Value::Array(items)) = crate::json::parse(text.trim()).map(|d| d.value) {
        let words = items
            .iter()
            .filter_map(|v| v.as_str())
            // Not run by a shell: nothing is expanded.
            .map(|w| w.replace('\\', "\\\\").replace('$', "\\$"))
            .collect();
        return vec![words];
    }
    let mut commands = vec![Vec::new()];
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let end_word = |word: &mut String, commands: &mut Vec<Vec<String>>| {
        if !word.is_empty() {
            if let Some(last) = commands.last_mut() {
                last.push(std::mem::take(word));
            }
        }
    };
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                word.push(c);
            }
            (Some('"') | None, '\\') => {
                word.push(c);
                word.extend(chars.next());
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"' | '`') => {
                quote = Some(c);
                word.push(c);
            }
            (None, '$') if chars.peek() == Some(&'(') => {
                depth += 1;
                word.push(c);
                word.extend(chars.next());
            }
            (None, ')') if depth > 0 => {
                depth -= 1;
                word.push(c);
            }
            (None, c) if depth > 0 => word.push(c),
            (None, '#') if word.is_empty() => {
                // A comment runs to the end of the line, which continuations removed.
                break;
            }
            (None, c) if c.is_whitespace() => end_word(&mut word, &mut commands),
            (None, ';' | '&' | '|' | '(' | ')') => {
                end_word(&mut word, &mut commands);
                if commands.last().is_some_and(|l| !l.is_empty()) {
                    commands.push(Vec::new());
                }
            }
            (None, c) => word.push(c),
        }
    }
    end_word(&mut word, &mut commands);
    commands.retain(|c| !c.is_empty());
    commands
}

/// A command's words without leading assignments, wrappers and shell keywords.
fn command_words(words: &[String]) -> &[String] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let is_assignment = w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if is_assignment
            || matches!(
                w.as_str(),
                "sudo"
                    | "env"
                    | "exec"
                    | "time"
                    | "nice"
                    | "command"
                    | "then"
                    | "do"
                    | "else"
                    | "if"
                    | "while"
                    | "until"
                    | "!"
                    | "xargs"
                    | "{"
            )
        {
            i += 1;
        } else {
            break;
        }
    }
    &words[i..]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Manager {
    Apt,
    Apk,
    Pip,
    Npm,
    Gem,
    Go,
    Conda,
}

/// The package manager a command runs and the words after its install subcommand.
fn manager(words: &[String]) -> Option<(Manager, &[String])> {
    let program = words.first()?.rsplit('/').next()?;
    let (manager, rest, subcommands): (Manager, &[String], &[&str]) = match program {
        "apt-get" | "apt" | "aptitude" => (Manager::Apt, &words[1..], &["install"]),
        "apk" => (Manager::Apk, &words[1..], &["add"]),
        "npm" => (
            Manager::Npm,
            &words[1..],
            &["install", "i", "add", "isntall"],
        ),
        "pnpm" => (Manager::Npm, &words[1..], &["add", "install", "i"]),
        "yarn" if words.get(1).is_some_and(|w| w == "global") => {
            (Manager::Npm, &words[2..], &["add"])
        }
        "gem" => (Manager::Gem, &words[1..], &["install"]),
        "go" => (Manager::Go, &words[1..], &["install"]),
        "conda" | "mamba" | "micromamba" => (Manager::Conda, &words[1..], &["install", "create"]),
        "uv" if words.get(1).is_some_and(|w| w == "pip") => {
            (Manager::Pip, &words[2..], &["install"])
        }
        p if is_pip(p) => (Manager::Pip, &words[1..], &["install"]),
        p if p.starts_with("python") => {
            // `python3 -m pip install ...`
            let at = words.iter().position(|w| w == "-m")?;
            if !words.get(at + 1).is_some_and(|w| is_pip(w)) {
                return None;
            }
            (Manager::Pip, &words[at + 2..], &["install"])
        }
        _ => return None,
    };
    // The subcommand is the first word that is not a flag (`apt-get -y install`).
    let at = rest.iter().position(|w| !w.starts_with('-'))?;
    subcommands
        .contains(&rest[at].as_str())
        .then(|| (manager, &rest[at + 1..]))
}

fn is_pip(program: &str) -> bool {
    program == "pip"
        || program
            .strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

struct Reader<'a> {
    vars: &'a Vars,
    file: &'a SourceFile,
    line: u32,
    out: &'a mut Extracted,
    found: &'a mut Vec<Component>,
}

impl Reader<'_> {
    /// The package words of `args` (flags and their values skipped), each split by `split`.
    fn packages(
        &mut self,
        args: &[String],
        value_flags: &[&str],
        ecosystem: Ecosystem,
        split: fn(&str) -> Option<Spec>,
    ) {
        let mut i = 0;
        while let Some(raw) = args.get(i) {
            i += 1;
            if raw.starts_with('-') {
                // `-yn base`: a cluster of short flags whose last one takes a value.
                let cluster_takes_value = !raw.starts_with("--")
                    && raw.len() > 2
                    && value_flags.contains(&format!("-{}", &raw[raw.len() - 1..]).as_str());
                if value_flags.contains(&raw.as_str()) || cluster_takes_value {
                    i += 1;
                }
                continue;
            }
            match expand(raw, '\\', self.vars) {
                Ok(text) => {
                    // An unquoted variable holding several words is several packages.
                    let words: Vec<&str> = if raw.contains(['"', '\'']) {
                        vec![text.as_str()]
                    } else {
                        text.split_whitespace().collect()
                    };
                    for word in words {
                        if let Some(spec) = split(word) {
                            self.push(ecosystem, spec);
                        }
                    }
                }
                Err(reason) => self.unresolved(raw, &reason, ecosystem),
            }
        }
    }

    /// `gem install a b -v 1.2` (the version applies to every gem) or `gem install a:1.2`.
    fn gems(&mut self, args: &[String]) {
        let mut names = Vec::new();
        let mut version: Option<String> = None;
        let mut i = 0;
        while let Some(raw) = args.get(i) {
            i += 1;
            if let Some(v) = raw
                .strip_prefix("--version=")
                .or_else(|| raw.strip_prefix("-v="))
            {
                version = Some(v.to_string());
            } else if raw == "-v" || raw == "--version" {
                version = args.get(i).cloned();
                i += 1;
            } else if raw.starts_with('-') {
                if GEM_VALUE_FLAGS.contains(&raw.as_str()) {
                    i += 1;
                }
            } else {
                names.push(raw.clone());
            }
        }
        let version = version.map(|v| expand(&v, '\\', self.vars));
        for raw in names {
            let spec = match expand(&raw, '\\', self.vars) {
                Ok(word) => split_gem(&word),
                Err(reason) => {
                    self.unresolved(&raw, &reason, Ecosystem::Rubygems);
                    continue;
                }
            };
            let Some(mut spec) = spec else { continue };
            match &version {
                Some(Ok(v)) => apply_requirement(&mut spec, v.trim_matches(['"', '\''])),
                Some(Err(reason)) => {
                    let name = spec.name.clone();
                    self.warn(format!(
                        "unresolved version of gem `{name}`: {reason}; recorded without a version"
                    ));
                }
                None => {}
            }
            self.push(Ecosystem::Rubygems, spec);
        }
    }

    /// A word whose variable has no known value: the package without a version when its
    /// name is literal (`git=${V}`), else nothing; a warning either way.
    fn unresolved(&mut self, raw: &str, reason: &str, ecosystem: Ecosystem) {
        let literal = raw
            .split('$')
            .next()
            .unwrap_or("")
            .trim_start_matches(['"', '\'']);
        let scope_len = usize::from(literal.starts_with('@'));
        let name_end = literal[scope_len..]
            .find(['=', '@', '~', '<', '>', ':', '!', '['])
            .map(|i| i + scope_len);
        let name = name_end.map(|i| &literal[..i]).filter(|n| {
            let bare = n.trim_start_matches('@');
            !bare.is_empty() && bare.split('/').all(plain_name)
        });
        match name {
            Some(name) => {
                self.warn(format!(
                    "unresolved package version `{raw}`: {reason}; `{name}` recorded without a version"
                ));
                self.push(
                    ecosystem,
                    Spec {
                        name: name.to_string(),
                        version: None,
                        constraint: None,
                    },
                );
            }
            None => self.warn(format!(
                "unresolved package `{raw}`: {reason}; no component"
            )),
        }
    }

    fn warn(&mut self, message: String) {
        self.out.diagnose(Diagnostic::warning(
            DiagnosticCode::Unsupported,
            self.file.path(),
            self.line,
            message,
        ));
    }

    fn push(&mut self, ecosystem: Ecosystem, spec: Spec) {
        let kind = if ecosystem == Ecosystem::Go {
            Kind::Module
        } else {
            Kind::Package
        };
        let name = match ecosystem {
            Ecosystem::Pypi => normalize_pypi_name(&spec.name),
            _ => spec.name,
        };
        let mut c = Component::new(kind, ecosystem, name, ID, self.file.location(self.line));
        if let Some(v) = spec.version {
            c = c.with_version(v);
        }
        if let Some(r) = spec.constraint {
            c = c.with_constraint(r);
        }
        self.found.push(c);
    }
}

#[cfg(test)]
#[path = "packages_tests.rs"]
mod tests;
