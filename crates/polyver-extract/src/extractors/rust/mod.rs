//! Rust: Cargo.toml and Cargo.lock.

pub mod cargo_lock;
pub mod cargo_toml;
