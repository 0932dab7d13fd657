//! `write_branch`, `push` and `delete_remote_branch` against real git repositories and a
//! bare remote in a temp dir.

mod common;

use common::{bare_remote, blob, change, git, git_command, polyver, repo};
use polyver_forge::{
    delete_remote_branch, push, write_branch, BranchOutcome, ForgeError, PushOutcome, Signature,
};

const DJANGO_5: &[u8] = b"django==5.0.1\nrequests==2.31.0\n";

#[test]
fn a_group_becomes_one_commit_on_its_branch_on_top_of_base() {
    let (_dir, work) = repo();
    let base = git(&work, &["rev-parse", "main"]);
    let outcome = write_branch(
        &work,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", DJANGO_5)],
            "Update django 4.2.8 -> 5.0.1\n\nPriority 40.",
        ),
        &polyver(),
    )
    .unwrap();
    let BranchOutcome::Created { commit } = outcome else {
        panic!("expected Created, got {outcome:?}");
    };
    assert_eq!(git(&work, &["rev-parse", "polyver/pypi-django"]), commit);
    assert_eq!(git(&work, &["rev-parse", &format!("{commit}^")]), base);
    assert_eq!(
        blob(&work, "polyver/pypi-django:requirements.txt"),
        DJANGO_5
    );
    // Only the group's file differs from the base.
    assert_eq!(
        git(
            &work,
            &["diff", "--name-only", "main", "polyver/pypi-django"]
        ),
        "requirements.txt"
    );
    assert_eq!(
        git(&work, &["log", "-1", "--format=%an <%ae>|%cn <%ce>|%aI|%B", &commit]),
        "polyver <polyver@example.invalid>|polyver <polyver@example.invalid>|2026-01-02T03:04:05Z|Update django 4.2.8 -> 5.0.1\n\nPriority 40."
    );
}

#[test]
fn rerunning_the_same_group_writes_nothing_and_a_changed_group_moves_the_branch() {
    let (_dir, work) = repo();
    let first = change(
        "pypi-django",
        &[("requirements.txt", DJANGO_5)],
        "Update django",
    );
    let created = write_branch(&work, "main", &first, &polyver()).unwrap();
    let reflog_before = git(
        &work,
        &["reflog", "show", "--format=%H", "polyver/pypi-django"],
    );

    // Same change, even with another date: nothing is written.
    let mut later = polyver();
    later.date = Some("2026-02-01T00:00:00Z".into());
    let again = write_branch(&work, "main", &first, &later).unwrap();
    assert_eq!(
        again,
        BranchOutcome::Unchanged {
            commit: created.commit().to_string()
        }
    );
    assert_eq!(
        git(
            &work,
            &["reflog", "show", "--format=%H", "polyver/pypi-django"]
        ),
        reflog_before
    );

    // New contents: the branch is force-moved to one new commit on the same base.
    let second = change(
        "pypi-django",
        &[("requirements.txt", b"django==5.0.2\nrequests==2.31.0\n")],
        "Update django",
    );
    let updated = write_branch(&work, "main", &second, &polyver()).unwrap();
    assert!(
        matches!(updated, BranchOutcome::Updated { .. }),
        "{updated:?}"
    );
    assert_ne!(updated.commit(), created.commit());
    assert_eq!(
        git(&work, &["rev-list", "--count", "main..polyver/pypi-django"]),
        "1"
    );

    // Same tree, new message (an advisory was added): updated too.
    let mut third = second.clone();
    third.commit_message = "Update django\n\nFixes GHSA-xxxx.".into();
    let moved = write_branch(&work, "main", &third, &polyver()).unwrap();
    assert!(matches!(moved, BranchOutcome::Updated { .. }), "{moved:?}");

    // A new base: updated, rebased onto it.
    std::fs::write(work.join("NEWS"), "news\n").unwrap();
    git(&work, &["add", "NEWS"]);
    git(&work, &["commit", "-q", "-m", "news"]);
    let rebased = write_branch(&work, "main", &third, &polyver()).unwrap();
    assert!(
        matches!(rebased, BranchOutcome::Updated { .. }),
        "{rebased:?}"
    );
    assert_eq!(
        git(&work, &["rev-parse", "polyver/pypi-django^"]),
        git(&work, &["rev-parse", "main"])
    );
    assert_eq!(blob(&work, "polyver/pypi-django:NEWS"), b"news\n");
}

#[test]
fn the_working_tree_index_and_detached_head_are_left_alone() {
    let (_dir, work) = repo();
    // Detached HEAD one commit back, a staged edit, an unstaged edit and an untracked file.
    git(&work, &["checkout", "-q", "--detach", "main~1"]);
    std::fs::write(work.join("run.sh"), "#!/bin/sh\necho staged\n").unwrap();
    git(&work, &["add", "run.sh"]);
    std::fs::write(
        work.join("requirements.txt"),
        "django==4.2.9 # local work\n",
    )
    .unwrap();
    std::fs::write(work.join("scratch.txt"), "untracked\n").unwrap();
    let status = git(&work, &["status", "--porcelain=v1", "--branch"]);
    let head = git(&work, &["rev-parse", "HEAD"]);
    let index = std::fs::read(work.join(".git/index")).unwrap();
    let requirements = std::fs::read(work.join("requirements.txt")).unwrap();

    let outcome = write_branch(
        &work,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", DJANGO_5)],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    assert!(matches!(outcome, BranchOutcome::Created { .. }));

    assert_eq!(
        std::fs::read(work.join(".git/index")).unwrap(),
        index,
        "index file changed"
    );
    assert_eq!(
        std::fs::read(work.join("requirements.txt")).unwrap(),
        requirements
    );
    assert_eq!(git(&work, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        git(&work, &["status", "--porcelain=v1", "--branch"]),
        status
    );
    assert!(status.starts_with("## HEAD (no branch)"), "{status}");
    // The commit holds the committed base content for run.sh, not the staged edit.
    assert_eq!(
        blob(&work, "polyver/pypi-django:run.sh"),
        b"#!/bin/sh\necho run\n"
    );
}

#[test]
fn crlf_and_arbitrary_bytes_are_committed_as_given_whatever_the_repository_config() {
    let (_dir, work) = repo();
    // Settings that would convert line endings if the bytes went through git's filters.
    git(&work, &["config", "core.autocrlf", "true"]);
    git(&work, &["config", "core.safecrlf", "true"]);
    std::fs::write(work.join(".gitattributes"), "* text=auto eol=lf\n").unwrap();
    git(&work, &["add", ".gitattributes"]);
    git(&work, &["commit", "-q", "-m", "attributes"]);

    let crlf: &[u8] = b"[app]\r\nversion = 2.0\r\n; \xff latin-1 byte\r\n";
    let lf_new_file: &[u8] = b"line\n";
    write_branch(
        &work,
        "main",
        &change(
            "ini",
            &[
                ("config/app.ini", crlf),
                ("config/new/nested.txt", lf_new_file),
            ],
            "Update app",
        ),
        &polyver(),
    )
    .unwrap();
    assert_eq!(blob(&work, "polyver/ini:config/app.ini"), crlf);
    assert_eq!(
        blob(&work, "polyver/ini:config/new/nested.txt"),
        lf_new_file
    );
}

#[test]
fn an_edited_executable_stays_executable() {
    let (_dir, work) = repo();
    write_branch(
        &work,
        "main",
        &change(
            "tools",
            &[("run.sh", b"#!/bin/sh\necho new\n")],
            "Update tools",
        ),
        &polyver(),
    )
    .unwrap();
    let entry = git(&work, &["ls-tree", "polyver/tools", "--", "run.sh"]);
    assert!(entry.starts_with("100755 blob "), "{entry}");
    let entry = git(
        &work,
        &["ls-tree", "polyver/tools", "--", "requirements.txt"],
    );
    assert!(entry.starts_with("100644 blob "), "{entry}");
}

#[test]
fn bad_groups_paths_and_bases_are_input_errors() {
    let (_dir, work) = repo();
    let cases: Vec<(polyver_forge::GroupChange, &str)> = vec![
        (
            change("has space", &[("requirements.txt", DJANGO_5)], "m"),
            "`group` / ` `",
        ),
        (
            change("../escape", &[("requirements.txt", DJANGO_5)], "m"),
            "`.`",
        ),
        (
            change("x.lock", &[("requirements.txt", DJANGO_5)], "m"),
            ".lock",
        ),
        (
            change("ok", &[("../outside.txt", DJANGO_5)], "m"),
            "relative",
        ),
        (change("ok", &[("/etc/passwd", DJANGO_5)], "m"), "relative"),
        (
            change("ok", &[(".git/config", DJANGO_5)], "m"),
            "inside `.git`",
        ),
        (change("ok", &[("config", DJANGO_5)], "m"), "directory"),
        (
            change(
                "ok",
                &[
                    ("requirements.txt", DJANGO_5),
                    ("./requirements.txt", DJANGO_5),
                ],
                "m",
            ),
            "twice",
        ),
        (change("ok", &[], "m"), "edits no file"),
    ];
    for (bad, _) in &cases {
        let error = write_branch(&work, "main", bad, &polyver()).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{error}");
        assert!(
            matches!(
                error,
                ForgeError::InvalidGroup { .. } | ForgeError::InvalidPath { .. }
            ),
            "{error:?}"
        );
    }
    let error = write_branch(
        &work,
        "no-such-branch",
        &change("ok", &[("requirements.txt", DJANGO_5)], "m"),
        &polyver(),
    )
    .unwrap_err();
    assert!(matches!(error, ForgeError::UnknownBase { .. }), "{error:?}");
    assert!(error.to_string().contains("no-such-branch"), "{error}");
    // Nothing was created by any of them.
    assert_eq!(git(&work, &["branch", "--list", "polyver/*"]), "");
}

#[test]
fn edits_that_change_nothing_are_refused() {
    let (_dir, work) = repo();
    let same = change(
        "noop",
        &[("requirements.txt", b"django==4.2.8\nrequests==2.31.0\n")],
        "m",
    );
    let error = write_branch(&work, "main", &same, &polyver()).unwrap_err();
    assert!(matches!(error, ForgeError::NoChanges { .. }), "{error:?}");
    assert_eq!(git(&work, &["branch", "--list", "polyver/*"]), "");
}

#[test]
fn a_branch_checked_out_in_a_worktree_is_not_moved() {
    let (dir, work) = repo();
    let first = change(
        "pypi-django",
        &[("requirements.txt", DJANGO_5)],
        "Update django",
    );
    let created = write_branch(&work, "main", &first, &polyver()).unwrap();
    let other = dir.path().join("other");
    git(
        &work,
        &[
            "worktree",
            "add",
            "-q",
            other.to_str().unwrap(),
            "polyver/pypi-django",
        ],
    );
    let second = change(
        "pypi-django",
        &[("requirements.txt", b"django==5.1\n")],
        "Update django",
    );
    let error = write_branch(&work, "main", &second, &polyver()).unwrap_err();
    assert!(
        matches!(error, ForgeError::BranchCheckedOut { .. }),
        "{error:?}"
    );
    assert_eq!(
        git(&work, &["rev-parse", "polyver/pypi-django"]),
        created.commit()
    );
    // An unchanged re-run is still fine there.
    assert!(matches!(
        write_branch(&work, "main", &first, &polyver()).unwrap(),
        BranchOutcome::Unchanged { .. }
    ));
}

#[test]
fn push_creates_then_is_up_to_date_then_force_updates_polyvers_own_commit() {
    let (dir, work) = repo();
    let bare = bare_remote(dir.path(), &work);
    let first = write_branch(
        &work,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", DJANGO_5)],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    let pushed = push(&work, "origin", "polyver/pypi-django").unwrap();
    assert_eq!(
        pushed,
        PushOutcome::Created {
            commit: first.commit().to_string()
        }
    );
    assert_eq!(
        git(&bare, &["rev-parse", "refs/heads/polyver/pypi-django"]),
        first.commit()
    );

    assert_eq!(
        push(&work, "origin", "polyver/pypi-django").unwrap(),
        PushOutcome::UpToDate {
            commit: first.commit().to_string()
        }
    );

    let second = write_branch(
        &work,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", b"django==5.0.2\n")],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    assert_eq!(
        push(&work, "origin", "refs/heads/polyver/pypi-django").unwrap(),
        PushOutcome::Updated {
            commit: second.commit().to_string(),
            previous: first.commit().to_string(),
        }
    );
    assert_eq!(
        git(&bare, &["rev-parse", "refs/heads/polyver/pypi-django"]),
        second.commit()
    );

    // A fresh clone (CI) that never saw the branch can still replace polyver's own commit.
    let clone = dir.path().join("ci");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--single-branch",
            "-b",
            "main",
            bare.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    let third = write_branch(
        &clone,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", b"django==5.0.3\n")],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    assert_eq!(
        push(&clone, "origin", "polyver/pypi-django").unwrap(),
        PushOutcome::Updated {
            commit: third.commit().to_string(),
            previous: second.commit().to_string(),
        }
    );

    // Deleting: refused for another identity, done for polyver's own commit.
    let someone = Signature::new("Someone", "someone@example.com");
    let error =
        delete_remote_branch(&work, "origin", "polyver/pypi-django", Some(&someone)).unwrap_err();
    assert!(
        matches!(error, ForgeError::BranchModified { .. }),
        "{error:?}"
    );
    assert!(
        delete_remote_branch(&work, "origin", "polyver/pypi-django", Some(&polyver())).unwrap()
    );
    assert_eq!(git(&bare, &["branch", "--list", "polyver/*"]), "");
    assert!(!delete_remote_branch(&work, "origin", "polyver/pypi-django", None).unwrap());
}

#[test]
fn a_remote_branch_someone_else_committed_to_is_left_alone() {
    let (dir, work) = repo();
    let bare = bare_remote(dir.path(), &work);
    write_branch(
        &work,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", DJANGO_5)],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    push(&work, "origin", "polyver/pypi-django").unwrap();

    // A person adds a fix on top of polyver's branch.
    let human = dir.path().join("human");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            bare.to_str().unwrap(),
            human.to_str().unwrap(),
        ],
    );
    git(&human, &["checkout", "-q", "polyver/pypi-django"]);
    std::fs::write(human.join("fix.txt"), "fix\n").unwrap();
    git(&human, &["add", "fix.txt"]);
    git(&human, &["commit", "-q", "-m", "fix the build"]);
    git(&human, &["push", "-q", "origin", "polyver/pypi-django"]);
    let theirs = git(&bare, &["rev-parse", "refs/heads/polyver/pypi-django"]);

    write_branch(
        &work,
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", b"django==5.0.2\n")],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    let error = push(&work, "origin", "polyver/pypi-django").unwrap_err();
    let ForgeError::BranchModified { committer, .. } = &error else {
        panic!("expected BranchModified, got {error:?}");
    };
    assert_eq!(committer, "Test User <test@example.com>");
    assert_eq!(
        git(&bare, &["rev-parse", "refs/heads/polyver/pypi-django"]),
        theirs
    );
}

#[test]
fn git_identity_comes_from_the_arguments_not_the_environment() {
    let (_dir, work) = repo();
    // A caller environment with another identity must not leak into the commit.
    let output = git_command(&work, &["config", "user.name", "Configured User"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let author = Signature::new("Bot", "bot@example.invalid");
    let outcome = write_branch(
        &work,
        "main",
        &change("g", &[("requirements.txt", DJANGO_5)], "m"),
        &author,
    )
    .unwrap();
    assert_eq!(
        git(
            &work,
            &[
                "log",
                "-1",
                "--format=%an <%ae> / %cn <%ce>",
                outcome.commit()
            ]
        ),
        "Bot <bot@example.invalid> / Bot <bot@example.invalid>"
    );
}

#[test]
fn a_subdirectory_of_the_repository_works_like_its_root() {
    let (_dir, work) = repo();
    let outcome = write_branch(
        &work.join("config"),
        "main",
        &change(
            "pypi-django",
            &[("requirements.txt", DJANGO_5)],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    assert!(matches!(outcome, BranchOutcome::Created { .. }));
    // Paths are relative to the repository root, not to the directory given.
    assert_eq!(
        blob(&work, "polyver/pypi-django:requirements.txt"),
        DJANGO_5
    );
}

#[test]
fn a_shallow_ci_clone_can_write_and_push() {
    let (dir, work) = repo();
    let bare = bare_remote(dir.path(), &work);
    let clone = dir.path().join("shallow");
    let url = format!("file://{}", bare.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    assert_eq!(
        git(&clone, &["rev-parse", "--is-shallow-repository"]),
        "true"
    );
    let outcome = write_branch(
        &clone,
        "HEAD",
        &change(
            "pypi-django",
            &[("requirements.txt", DJANGO_5)],
            "Update django",
        ),
        &polyver(),
    )
    .unwrap();
    let pushed = push(&clone, "origin", "polyver/pypi-django").unwrap();
    assert!(matches!(pushed, PushOutcome::Created { .. }), "{pushed:?}");
    assert_eq!(
        git(&bare, &["rev-parse", "refs/heads/polyver/pypi-django"]),
        outcome.commit()
    );
    assert_eq!(
        blob(&bare, "polyver/pypi-django:requirements.txt"),
        DJANGO_5
    );
}
