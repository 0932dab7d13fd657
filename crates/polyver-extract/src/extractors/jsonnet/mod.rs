//! Jsonnet libraries vendored by jsonnet-bundler (`jb`): `jsonnetfile.json` and its lock.

pub mod jsonnetfile;
