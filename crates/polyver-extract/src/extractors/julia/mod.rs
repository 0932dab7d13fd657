//! Julia: the `Manifest.toml` Pkg writes.

pub mod julia_manifest;
