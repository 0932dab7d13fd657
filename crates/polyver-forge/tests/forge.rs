//! Pull and merge requests against the fake forge (tests/common/fake_forge.rs): created on
//! the first run, updated with only what changed, untouched when nothing changed,
//! superseded ones commented on and closed, listings followed page by page, a refused
//! token named, server errors retried.

mod common;

use common::fake_forge::{FakeForge, Flavor};
use polyver_forge::{
    forge_for_remote, Forge, ForgeError, ForgeKind, ForgeSettings, PrOutcome, PullRequest,
};
use std::time::Duration;

const TOKEN: &str = "test-token-123";

fn settings(fake: &FakeForge, kind: ForgeKind, variable: &str, token: &str) -> ForgeSettings {
    ForgeSettings {
        kind: Some(kind),
        api_base: Some(fake.base_url.clone()),
        tokens: vec![(variable.to_string(), token.to_string())],
        net: polyver_net::Options {
            retries: 2,
            backoff: Duration::from_millis(5),
            timeout: Duration::from_secs(10),
            ..polyver_net::Options::default()
        },
    }
}

fn github(fake: &FakeForge) -> Box<dyn Forge> {
    forge_for_remote(
        "git@github.example:octo/app.git",
        &settings(fake, ForgeKind::Github, "GITHUB_TOKEN", TOKEN),
    )
    .unwrap()
}

fn gitlab(fake: &FakeForge) -> Box<dyn Forge> {
    forge_for_remote(
        "https://git.example.com/platform/backend/app.git",
        &settings(fake, ForgeKind::Gitlab, "GITLAB_TOKEN", TOKEN),
    )
    .unwrap()
}

fn pr(group: &str, body: &str) -> PullRequest {
    PullRequest {
        head: format!("polyver/{group}"),
        base: "main".into(),
        title: format!("Update {group}"),
        body: body.into(),
        labels: vec!["dependencies".into()],
        draft: false,
        reviewers: Vec::new(),
        assignees: Vec::new(),
    }
}

#[test]
fn github_creates_then_leaves_alone_then_patches_only_the_body() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    assert_eq!(forge.kind(), ForgeKind::Github);
    assert_eq!(forge.project(), "octo/app");
    assert_eq!(forge.default_branch().unwrap(), "main");
    fake.clear_requests();

    // First run: looked up by head branch, then created, then labelled.
    let created = forge
        .open_or_update(&pr("pypi-django", "| django | 4.2.8 | 5.0.1 |"))
        .unwrap();
    assert!(
        matches!(&created, PrOutcome::Created { number: 1, url } if url.ends_with("/octo/app/pull/1")),
        "{created:?}"
    );
    let requests = fake.requests();
    let methods: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        methods,
        [
            "GET /repos/octo/app/pulls",
            "GET /repos/octo/app/pulls",
            "POST /repos/octo/app/pulls",
            "POST /repos/octo/app/issues/1/labels"
        ]
    );
    let query = requests[0].query();
    assert_eq!(query["head"], "octo:polyver/pypi-django");
    assert_eq!(query["state"], "open");
    // No open one: was this update declined before?
    assert_eq!(requests[1].query()["state"], "closed");
    assert_eq!(
        requests[2].json(),
        serde_json::json!({
            "title": "Update pypi-django",
            "head": "polyver/pypi-django",
            "base": "main",
            "body": "| django | 4.2.8 | 5.0.1 |",
            "draft": false,
        })
    );
    assert_eq!(
        requests[2].authorization.as_deref(),
        Some("Bearer test-token-123")
    );
    assert_eq!(fake.pr(1).labels, ["dependencies"]);

    // Unchanged run: one lookup, no write.
    fake.clear_requests();
    let same = forge
        .open_or_update(&pr("pypi-django", "| django | 4.2.8 | 5.0.1 |"))
        .unwrap();
    assert!(
        matches!(same, PrOutcome::Unchanged { number: 1, .. }),
        "{same:?}"
    );
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());

    // A body edited in the web UI comes back with CRLF: still unchanged.
    fake.state().prs[0].body = "| django | 4.2.8 | 5.0.1 |\r\n".into();
    assert!(matches!(
        forge
            .open_or_update(&pr("pypi-django", "| django | 4.2.8 | 5.0.1 |"))
            .unwrap(),
        PrOutcome::Unchanged { .. }
    ));

    // Changed body: one PATCH with only the body.
    fake.clear_requests();
    let updated = forge
        .open_or_update(&pr("pypi-django", "| django | 4.2.8 | 5.0.2 |"))
        .unwrap();
    assert_eq!(
        updated,
        PrOutcome::Updated {
            number: 1,
            url: "https://github.example/octo/app/pull/1".into(),
            fields: vec!["body".into()],
        }
    );
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, "PATCH");
    assert_eq!(writes[0].path(), "/repos/octo/app/pulls/1");
    assert_eq!(
        writes[0].json(),
        serde_json::json!({ "body": "| django | 4.2.8 | 5.0.2 |" })
    );
    assert_eq!(fake.pr(1).body, "| django | 4.2.8 | 5.0.2 |");
    assert_eq!(fake.state().prs.len(), 1);
}

#[test]
fn github_draft_reviewers_assignees_and_a_lost_race_on_create() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    let mut wanted = pr("npm-babel", "body");
    wanted.draft = true;
    wanted.reviewers = vec!["alice".into()];
    wanted.assignees = vec!["bob".into()];
    forge.open_or_update(&wanted).unwrap();
    let made = fake.pr(1);
    assert!(made.draft);
    assert_eq!(made.reviewers, ["alice"]);
    assert_eq!(made.assignees, ["bob"]);

    // Another run opened the pull request between our lookup and our create: the first
    // lookup fails over (scripted 404 would be wrong; instead the list is made to miss it by
    // answering the first GET with an empty page), the create gets 422, and the existing
    // pull request is updated instead.
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    fake.add_pr("polyver/npm-babel", "octo/app", "Old title");
    // The first list request is answered by a page with nothing on it.
    fake.fail_next(&[200]);
    let outcome = forge.open_or_update(&pr("npm-babel", "body")).unwrap();
    let PrOutcome::Updated {
        number: 1, fields, ..
    } = &outcome
    else {
        panic!("expected an update of #1, got {outcome:?}");
    };
    assert!(fields.contains(&"title".to_string()), "{fields:?}");
    assert_eq!(fake.state().prs.len(), 1);
    assert_eq!(fake.pr(1).title, "Update npm-babel");
}

#[test]
fn github_closes_superseded_pull_requests_of_this_repository_only() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    let kept = fake.add_pr("polyver/pypi-django", "octo/app", "Update django");
    let stale = fake.add_pr("polyver/npm-lodash", "octo/app", "Update lodash");
    let human = fake.add_pr("feature/login", "octo/app", "Login page");
    let fork = fake.add_pr("polyver/from-a-fork", "someone/app", "A fork's branch");
    fake.clear_requests();

    let closed = forge
        .close_superseded("polyver/", &["polyver/pypi-django".to_string()])
        .unwrap();
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0].number, stale);
    assert_eq!(closed[0].branch, "polyver/npm-lodash");
    assert_eq!(closed[0].title, "Update lodash");

    let stale_pr = fake.pr(stale);
    assert!(!stale_pr.open);
    assert_eq!(stale_pr.comments, [polyver_forge::SUPERSEDED_COMMENT]);
    for open in [kept, human, fork] {
        assert!(fake.pr(open).open, "#{open} was closed");
        assert!(fake.pr(open).comments.is_empty());
    }
    let writes: Vec<String> = fake
        .writes()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path(), r.body))
        .collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(
        writes[0].starts_with("POST /repos/octo/app/issues/2/comments"),
        "{writes:?}"
    );
    assert_eq!(
        writes[1],
        r#"PATCH /repos/octo/app/pulls/2 {"state":"closed","title":"Update lodash - autoclosed"}"#
    );

    // Nothing left to close: nothing sent.
    fake.clear_requests();
    assert!(forge
        .close_superseded("polyver/", &["polyver/pypi-django".to_string()])
        .unwrap()
        .is_empty());
    assert!(fake.writes().is_empty());
}

#[test]
fn github_listings_follow_the_link_header_across_pages() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    for i in 0..7 {
        fake.add_pr(&format!("polyver/group-{i}"), "octo/app", "stale");
    }
    fake.state().page_size = 3;
    fake.clear_requests();
    let closed = forge.close_superseded("polyver/", &[]).unwrap();
    assert_eq!(closed.len(), 7, "every page was read: {closed:?}");
    let pages: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.query().get("page").cloned().unwrap_or_else(|| "1".into()))
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
    assert!(fake.state().prs.iter().all(|p| !p.open));
}

#[test]
fn a_refused_token_names_the_variable_it_came_from() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = forge_for_remote(
        "https://github.example/octo/app",
        &settings(&fake, ForgeKind::Github, "GITHUB_TOKEN", "expired"),
    )
    .unwrap();
    let error = forge.open_or_update(&pr("x", "b")).unwrap_err();
    assert!(
        matches!(error, ForgeError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("GITHUB_TOKEN"), "{text}");
    assert!(text.contains("Bad credentials"), "{text}");
    assert_eq!(error.exit_code(), 3);
    // Nothing was attempted after the refusal.
    assert!(fake.writes().is_empty());

    let fake = FakeForge::start(Flavor::Gitlab, "platform/backend/app", TOKEN);
    let forge = forge_for_remote(
        "https://git.example.com/platform/backend/app.git",
        &settings(&fake, ForgeKind::Gitlab, "POLYVER_FORGE_TOKEN", "wrong"),
    )
    .unwrap();
    let text = forge
        .close_superseded("polyver/", &[])
        .unwrap_err()
        .to_string();
    assert!(text.contains("POLYVER_FORGE_TOKEN"), "{text}");
    assert!(text.contains("401 Unauthorized"), "{text}");
}

#[test]
fn server_errors_are_retried_and_reported_when_they_persist() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    // The lookup fails twice, the create once: all retried.
    fake.fail_next(&[503, 502]);
    let outcome = forge.open_or_update(&pr("pypi-django", "b")).unwrap();
    assert!(
        matches!(outcome, PrOutcome::Created { number: 1, .. }),
        "{outcome:?}"
    );
    let gets = fake.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(
        gets, 4,
        "two failed lookups, the one that worked, the declined check"
    );
    assert_eq!(fake.state().prs.len(), 1);

    fake.clear_requests();
    fake.fail_next(&[500, 500, 500, 500]);
    let error = forge.open_or_update(&pr("pypi-flask", "b")).unwrap_err();
    assert!(error.to_string().contains("500"), "{error}");
    assert_eq!(fake.requests().len(), 3, "one attempt and two retries");
    assert_eq!(error.exit_code(), 3);
}

#[test]
fn gitlab_creates_updates_and_leaves_alone_merge_requests() {
    let fake = FakeForge::start(Flavor::Gitlab, "platform/backend/app", TOKEN);
    let forge = gitlab(&fake);
    assert_eq!(forge.kind(), ForgeKind::Gitlab);
    assert_eq!(forge.default_branch().unwrap(), "main");
    fake.clear_requests();

    let mut wanted = pr("pypi-django", "| django | 4.2.8 | 5.0.1 |");
    wanted.reviewers = vec!["alice".into()];
    let created = forge.open_or_update(&wanted).unwrap();
    assert_eq!(
        created,
        PrOutcome::Created {
            number: 1,
            url: "https://gitlab.example/platform/backend/app/-/merge_requests/1".into()
        }
    );
    let requests = fake.requests();
    let lookup = &requests[0];
    assert_eq!(
        lookup.path(),
        "/api/v4/projects/platform%2Fbackend%2Fapp/merge_requests"
    );
    assert_eq!(lookup.query()["source_branch"], "polyver/pypi-django");
    assert_eq!(lookup.query()["state"], "opened");
    assert_eq!(requests[1].query()["state"], "closed");
    assert_eq!(requests[2].path(), "/api/v4/users");
    let create = requests.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(
        create.json(),
        serde_json::json!({
            "source_branch": "polyver/pypi-django",
            "target_branch": "main",
            "title": "Update pypi-django",
            "description": "| django | 4.2.8 | 5.0.1 |",
            "remove_source_branch": true,
            "labels": "dependencies",
            "reviewer_ids": [7],
        })
    );

    fake.clear_requests();
    assert!(matches!(
        forge.open_or_update(&wanted).unwrap(),
        PrOutcome::Unchanged { number: 1, .. }
    ));
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());

    // A person marked it draft and added a label: a new title keeps the draft prefix, and
    // the extra label stays.
    fake.state().prs[0].title = "Draft: Update pypi-django".into();
    fake.state().prs[0].labels.push("needs-qa".into());
    assert!(matches!(
        forge.open_or_update(&wanted).unwrap(),
        PrOutcome::Unchanged { .. }
    ));
    let mut retitled = wanted.clone();
    retitled.title = "Update django to 5.0.2".into();
    retitled.body = "| django | 4.2.8 | 5.0.2 |".into();
    fake.clear_requests();
    let updated = forge.open_or_update(&retitled).unwrap();
    let PrOutcome::Updated { fields, .. } = &updated else {
        panic!("{updated:?}")
    };
    assert_eq!(fields, &["title", "body"]);
    let writes = fake.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].method, "PUT");
    assert_eq!(
        writes[0].json(),
        serde_json::json!({ "title": "Draft: Update django to 5.0.2", "description": "| django | 4.2.8 | 5.0.2 |" })
    );
    assert_eq!(fake.pr(1).labels, ["dependencies", "needs-qa"]);
}

#[test]
fn gitlab_409_on_create_updates_the_existing_merge_request() {
    let fake = FakeForge::start(Flavor::Gitlab, "platform/backend/app", TOKEN);
    let forge = gitlab(&fake);
    fake.add_pr("polyver/go-x", "platform/backend/app", "Old");
    // The lookup misses it (an empty page, as if it was opened a moment later).
    fake.fail_next(&[200]);
    let outcome = forge.open_or_update(&pr("go-x", "b")).unwrap();
    assert!(
        matches!(outcome, PrOutcome::Updated { number: 1, .. }),
        "{outcome:?}"
    );
    assert_eq!(fake.state().prs.len(), 1);
    assert!(
        fake.requests().iter().any(|r| r.method == "POST"),
        "the create was tried"
    );
}

#[test]
fn gitlab_closes_superseded_merge_requests_across_pages() {
    let fake = FakeForge::start(Flavor::Gitlab, "platform/backend/app", TOKEN);
    let forge = gitlab(&fake);
    for i in 0..5 {
        fake.add_pr(
            &format!("polyver/group-{i}"),
            "platform/backend/app",
            "stale",
        );
    }
    fake.add_pr("polyver/fork", "someone/app", "from a fork");
    fake.add_pr("main-fix", "platform/backend/app", "human");
    fake.state().page_size = 2;
    fake.clear_requests();
    let closed = forge
        .close_superseded("polyver/", &["polyver/group-3".to_string()])
        .unwrap();
    let numbers: Vec<u64> = closed.iter().map(|c| c.number).collect();
    assert_eq!(numbers, [1, 2, 3, 5]);
    let pages: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.query().get("page").cloned().unwrap_or_else(|| "1".into()))
        .collect();
    assert_eq!(pages, ["1", "2", "3", "4"]);
    for n in [1, 2, 3, 5] {
        let mr = fake.pr(n);
        assert!(!mr.open);
        assert_eq!(mr.comments, [polyver_forge::SUPERSEDED_COMMENT]);
    }
    for n in [4, 6, 7] {
        assert!(fake.pr(n).open, "!{n} was closed");
    }
    let closes = fake
        .writes()
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| r.json())
        .collect::<Vec<_>>();
    assert_eq!(
        closes,
        vec![serde_json::json!({ "state_event": "close", "title": "stale - autoclosed" }); 4]
    );
}

#[test]
fn a_body_over_githubs_limit_is_cut_with_a_note() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    let long = "| é | row |\n".repeat(10_000);
    forge.open_or_update(&pr("big", &long)).unwrap();
    let body = fake.pr(1).body;
    assert!(body.len() <= 65_536, "{}", body.len());
    assert!(body.contains("cut this description"), "the note is there");
    // The next run sends the same cut body, so it is unchanged.
    fake.clear_requests();
    assert!(matches!(
        forge.open_or_update(&pr("big", &long)).unwrap(),
        PrOutcome::Unchanged { .. }
    ));
}

#[test]
fn a_rate_limit_that_resets_soon_is_waited_for_and_a_later_one_is_reported() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    // GitHub's secondary rate limit: 403 with Retry-After.
    fake.answer_next(
        403,
        &[("retry-after", "1"), ("x-ratelimit-remaining", "4999")],
    );
    let started = std::time::Instant::now();
    let outcome = forge.open_or_update(&pr("pypi-django", "b")).unwrap();
    assert!(matches!(outcome, PrOutcome::Created { .. }), "{outcome:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );

    // The primary limit used up for the next hour: a clear error, no wait.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3_000;
    let reset = reset.to_string();
    fake.answer_next(
        403,
        &[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", &reset),
        ],
    );
    let started = std::time::Instant::now();
    let error = forge.open_or_update(&pr("pypi-flask", "b")).unwrap_err();
    assert!(matches!(error, ForgeError::RateLimited { .. }), "{error:?}");
    assert!(error.to_string().contains("rate limit"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn end_to_end_branches_pushes_pull_requests_and_a_quiet_rerun() {
    use common::{bare_remote, change, git, polyver, repo};
    use polyver_forge::{
        branch_names, delete_remote_branch, push, write_branch, BranchOutcome, PushOutcome,
        BRANCH_PREFIX,
    };

    let (dir, work) = repo();
    let bare = bare_remote(dir.path(), &work);
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    let groups = [
        change(
            "pypi-django",
            &[("requirements.txt", b"django==5.0.1\nrequests==2.31.0\n")],
            "Update django",
        ),
        change(
            "ini",
            &[("config/app.ini", b"[app]\r\nversion = 2.0\r\n")],
            "Update app",
        ),
    ];
    let run = |groups: &[polyver_forge::GroupChange]| {
        let mut outcomes = Vec::new();
        for group in groups {
            let branch = write_branch(&work, "main", group, &polyver()).unwrap();
            let pushed = push(&work, "origin", &polyver_forge::branch_name(&group.group)).unwrap();
            let base = forge.default_branch().unwrap();
            let pr = forge
                .open_or_update(&PullRequest::for_change(group, &base))
                .unwrap();
            outcomes.push((branch, pushed, pr));
        }
        let keep = branch_names(groups.iter().map(|g| g.group.as_str()));
        let closed = forge.close_superseded(BRANCH_PREFIX, &keep).unwrap();
        (outcomes, closed)
    };

    let (first, closed) = run(&groups);
    assert!(closed.is_empty());
    for (branch, pushed, pr) in &first {
        assert!(matches!(branch, BranchOutcome::Created { .. }));
        assert!(matches!(pushed, PushOutcome::Created { .. }));
        assert!(matches!(pr, PrOutcome::Created { .. }));
    }
    assert_eq!(
        git(
            &bare,
            &["for-each-ref", "--format=%(refname)", "refs/heads/polyver/"]
        ),
        "refs/heads/polyver/ini\nrefs/heads/polyver/pypi-django"
    );

    // Same input again: nothing written locally, nothing pushed, no forge write.
    fake.clear_requests();
    let (second, closed) = run(&groups);
    assert!(closed.is_empty());
    for (branch, pushed, pr) in &second {
        assert!(
            matches!(branch, BranchOutcome::Unchanged { .. }),
            "{branch:?}"
        );
        assert!(matches!(pushed, PushOutcome::UpToDate { .. }), "{pushed:?}");
        assert!(matches!(pr, PrOutcome::Unchanged { .. }), "{pr:?}");
    }
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());

    // django's group is no longer produced (say, main was updated by hand): the ini pull
    // request stays, django's is commented on and closed, and its remote branch can go.
    let (third, closed) = run(&groups[1..]);
    assert!(matches!(third[0].2, PrOutcome::Unchanged { .. }));
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].branch, "polyver/pypi-django");
    assert!(delete_remote_branch(&work, "origin", &closed[0].branch, Some(&polyver())).unwrap());
    assert_eq!(
        git(
            &bare,
            &["for-each-ref", "--format=%(refname)", "refs/heads/polyver/"]
        ),
        "refs/heads/polyver/ini"
    );
}

#[test]
fn an_update_a_person_declined_is_not_reopened_but_a_newer_one_and_an_autoclosed_one_are() {
    for flavor in [Flavor::Github, Flavor::Gitlab] {
        let (fake, forge) = match flavor {
            Flavor::Github => {
                let fake = FakeForge::start(flavor, "octo/app", TOKEN);
                let forge = github(&fake);
                (fake, forge)
            }
            Flavor::Gitlab => {
                let fake = FakeForge::start(flavor, "platform/backend/app", TOKEN);
                let forge = gitlab(&fake);
                (fake, forge)
            }
        };
        let mut wanted = pr("pypi-django", "b");
        wanted.title = "Update django to 5.0.1".into();
        forge.open_or_update(&wanted).unwrap();
        // A person closes it without merging.
        fake.state().prs[0].open = false;
        fake.clear_requests();
        let outcome = forge.open_or_update(&wanted).unwrap();
        assert!(
            matches!(outcome, PrOutcome::Declined { number: 1, .. }),
            "{outcome:?}"
        );
        assert!(fake.writes().is_empty(), "{:?}", fake.writes());

        // 5.0.2 is another update: a new pull request.
        wanted.title = "Update django to 5.0.2".into();
        assert!(matches!(
            forge.open_or_update(&wanted).unwrap(),
            PrOutcome::Created { number: 2, .. }
        ));

        // polyver closes it as superseded; when the group comes back, it opens a new one,
        // since its own close renamed the old one.
        assert_eq!(forge.close_superseded("polyver/", &[]).unwrap().len(), 1);
        assert_eq!(fake.pr(2).title, "Update django to 5.0.2 - autoclosed");
        assert!(matches!(
            forge.open_or_update(&wanted).unwrap(),
            PrOutcome::Created { number: 3, .. }
        ));
    }
}

#[test]
fn publish_runs_every_group_and_one_failure_does_not_stop_the_others() {
    use common::{bare_remote, change, git, polyver, repo};
    use polyver_forge::{publish, OpenPr, PublishOptions};

    let (dir, work) = repo();
    let bare = bare_remote(dir.path(), &work);
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = github(&fake);
    let options = PublishOptions {
        base: "main".into(),
        open_pr: Some(OpenPr {
            remote: "origin".into(),
            target_branch: None,
            labels: vec!["dependencies".into()],
            close_superseded: true,
            delete_superseded_branches: true,
            ..OpenPr::default()
        }),
    };
    let django = change(
        "pypi-django",
        &[("requirements.txt", b"django==5.0.1\nrequests==2.31.0\n")],
        "Update django",
    );
    let ini = change(
        "ini",
        &[("config/app.ini", b"[app]\r\nversion = 2.0\r\n")],
        "Update app",
    );
    let report = publish(
        &work,
        &[django.clone(), ini.clone()],
        &polyver(),
        &options,
        Some(forge.as_ref()),
    )
    .unwrap();
    assert_eq!(report.exit_code(), 0);
    assert!(report
        .groups
        .iter()
        .all(|g| matches!(g.pull_request, Some(PrOutcome::Created { .. }))));
    assert_eq!(fake.pr(1).labels, ["dependencies"]);

    // django was updated on main by hand; a third group is broken.
    std::fs::write(
        work.join("requirements.txt"),
        "django==5.0.1\nrequests==2.31.0\n",
    )
    .unwrap();
    git(&work, &["commit", "-q", "-am", "django 5.0.1"]);
    let broken = change("broken", &[("../outside", b"x")], "m");
    let report = publish(
        &work,
        &[django, ini, broken],
        &polyver(),
        &options,
        Some(forge.as_ref()),
    )
    .unwrap();
    let by_group = |name: &str| report.groups.iter().find(|g| g.group == name).unwrap();
    assert!(by_group("pypi-django").no_changes);
    assert!(by_group("pypi-django").error.is_none());
    // ini was rebased onto the new main: pushed again, its pull request unchanged.
    assert!(matches!(
        by_group("ini").push,
        Some(polyver_forge::PushOutcome::Updated { .. })
    ));
    assert!(matches!(
        by_group("ini").pull_request,
        Some(PrOutcome::Unchanged { .. })
    ));
    let error = by_group("broken").error.as_ref().unwrap();
    assert_eq!(error.exit_code, 2);
    assert!(error.message.contains("../outside"), "{}", error.message);
    assert_eq!(report.exit_code(), 2);
    // django's pull request is no longer needed: closed.
    let closed: Vec<&str> = report.closed.iter().map(|c| c.branch.as_str()).collect();
    assert_eq!(closed, ["polyver/pypi-django"]);
    assert_eq!(report.deleted_branches, ["polyver/pypi-django"]);
    assert!(report.kept_branches.is_empty());
    assert_eq!(
        git(
            &bare,
            &["for-each-ref", "--format=%(refname)", "refs/heads/polyver/"]
        ),
        "refs/heads/polyver/ini"
    );
    assert!(fake.pr(2).open, "ini stays open");

    // --open-pr without a forge is refused before anything is written.
    let error = publish(&work, &[], &polyver(), &options, None).unwrap_err();
    assert_eq!(error.exit_code(), 2);
}

#[test]
fn a_project_the_token_cannot_see_is_an_error_not_an_empty_list() {
    let fake = FakeForge::start(Flavor::Github, "octo/app", TOKEN);
    let forge = forge_for_remote(
        "git@github.example:octo/other.git",
        &settings(&fake, ForgeKind::Github, "GITHUB_TOKEN", TOKEN),
    )
    .unwrap();
    let error = forge.close_superseded("polyver/", &[]).unwrap_err();
    assert!(
        matches!(error, ForgeError::Api { status: 404, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("GITHUB_TOKEN"), "{error}");
}
