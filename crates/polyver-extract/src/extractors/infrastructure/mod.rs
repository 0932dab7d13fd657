//! Infrastructure as code: Terraform and Pulumi.

pub mod pulumi;
pub mod terraform;
