//! Go: go.mod and go.sum.

pub mod go_mod;
pub mod go_sum;
