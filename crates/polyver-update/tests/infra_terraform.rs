//! Terraform rewrites proven on real files, checked by `terraform fmt` (a parse, offline).

mod infra_common;

use infra_common::*;
use polyver_model::Format;
use polyver_update::Outcome;

#[test]
fn module_constraints_are_widened_the_terraform_way() {
    let text = fixture("terraform/main.tf");
    let name = "terraform-google-modules/project-factory/google//modules/project_services";
    let (new, diff) = prove(
        Format::Terraform,
        "terraform/main.tf",
        &text,
        name,
        29,
        &target("19.1.0", None),
        Some("~> 19.0"),
    );
    terraform_parses(&new);
    insta::assert_snapshot!("terraform_module_pessimistic", diff);
    let c = component(
        Format::Terraform,
        "terraform/main.tf",
        &text,
        "terraform-google-modules/gcloud/google",
        63,
    );
    assert_eq!(
        rewrite(
            Format::Terraform,
            "terraform/main.tf",
            &text,
            &c,
            63,
            &target("4.3.0", None),
            false
        ),
        Ok(Outcome::AlreadySatisfied)
    );
}

#[test]
fn provider_constraints() {
    let text = fixture("terraform/gh-versions.tf");
    let (new, widened) = prove(
        Format::Terraform,
        ".github/terraform/versions.tf",
        &text,
        "hashicorp/google",
        21,
        &target("8.2.0", None),
        Some("~> 8.0"),
    );
    terraform_parses(&new);
    insta::assert_snapshot!("terraform_provider_pessimistic", widened);

    let text = fixture("terraform/providers.tf");
    let (new, exact_diff) = prove(
        Format::Terraform,
        "terraform/providers.tf",
        &text,
        "hashicorp/google",
        18,
        &target("7.44.0", None),
        Some("7.44.0"),
    );
    terraform_parses(&new);
    insta::assert_snapshot!("terraform_provider_exact", exact_diff);

    // `>= 6.28` admits 7.0.0: left alone, unless ranges are bumped.
    let text = fixture("terraform/vpc-versions.tf");
    let c = component(Format::Terraform, "versions.tf", &text, "hashicorp/aws", 6);
    assert_eq!(
        rewrite(
            Format::Terraform,
            "versions.tf",
            &text,
            &c,
            6,
            &target("7.0.0", None),
            false
        ),
        Ok(Outcome::AlreadySatisfied)
    );
    let new = rewritten(rewrite(
        Format::Terraform,
        "versions.tf",
        &text,
        &c,
        6,
        &target("7.0.0", None),
        true,
    ));
    terraform_parses(&new);
    let after = component(Format::Terraform, "versions.tf", &new, "hashicorp/aws", 6);
    assert_eq!(after.constraint.map(|k| k.raw).as_deref(), Some(">= 7.0.0"));
    insta::assert_snapshot!(
        "terraform_provider_bump_ranges",
        diff("versions.tf", &text, &new)
    );
}

#[test]
fn registry_version_and_git_ref_modules() {
    let text = fixture("terraform/test_source.tf");
    let (new, diff) = prove(
        Format::Terraform,
        "test_source.tf",
        &text,
        "github.com/myorg/mymod//module/rds2",
        2,
        &target("v1.1.0", None),
        Some("v1.1.0"),
    );
    terraform_parses(&new);
    insta::assert_snapshot!("terraform_git_ref", diff);
    let (new, diff) = prove(
        Format::Terraform,
        "test_source.tf",
        &text,
        "terraform-aws-modules/vpc/aws",
        8,
        &target("6.0.1", None),
        Some("6.0.1"),
    );
    terraform_parses(&new);
    insta::assert_snapshot!("terraform_registry_exact", diff);
}

#[test]
fn a_range_that_admits_the_target_is_left_alone_unless_bumped() {
    let text = fixture("terraform/flow-log-main.tf");
    let path = "examples/flow-log/main.tf";
    let name = "terraform-aws-modules/s3-bucket/aws";
    let c = component(Format::Terraform, path, &text, name, 102);
    assert_eq!(
        rewrite(
            Format::Terraform,
            path,
            &text,
            &c,
            102,
            &target("5.4.0", None),
            false
        ),
        Ok(Outcome::AlreadySatisfied)
    );
    let bumped = rewritten(rewrite(
        Format::Terraform,
        path,
        &text,
        &c,
        102,
        &target("5.4.0", None),
        true,
    ));
    terraform_parses(&bumped);
    assert_eq!(
        component(Format::Terraform, path, &bumped, name, 102)
            .constraint
            .map(|k| k.raw)
            .as_deref(),
        Some("~> 5.4")
    );
    let (new, widened) = prove(
        Format::Terraform,
        path,
        &text,
        name,
        102,
        &target("6.1.0", None),
        Some("~> 6.0"),
    );
    terraform_parses(&new);
    insta::assert_snapshot!("terraform_s3_bucket_module", widened);
}

#[test]
fn required_version_is_the_terraform_cli_constraint() {
    let text = fixture("terraform/vpc-versions.tf");
    let c = component(Format::Terraform, "versions.tf", &text, "terraform", 2);
    assert_eq!(
        rewrite(
            Format::Terraform,
            "versions.tf",
            &text,
            &c,
            2,
            &target("1.9.8", None),
            false
        ),
        Ok(Outcome::AlreadySatisfied)
    );
    let new = rewritten(rewrite(
        Format::Terraform,
        "versions.tf",
        &text,
        &c,
        2,
        &target("1.9.8", None),
        true,
    ));
    terraform_parses(&new);
    let after = component(Format::Terraform, "versions.tf", &new, "terraform", 2);
    assert_eq!(after.constraint.map(|k| k.raw).as_deref(), Some(">= 1.9.8"));
    insta::assert_snapshot!(
        "terraform_required_version_bumped",
        diff("versions.tf", &text, &new)
    );
}

#[test]
fn the_lock_file_is_never_edited() {
    let text = fixture("terraform/providers.tf");
    let c = component(
        Format::Terraform,
        "terraform/providers.tf",
        &text,
        "hashicorp/google",
        18,
    );
    let err = rewrite(
        Format::Terraform,
        ".terraform.lock.hcl",
        &text,
        &c,
        18,
        &target("7.44.0", None),
        false,
    )
    .unwrap_err();
    assert!(err.to_string().contains("lock file"), "{err}");
}
