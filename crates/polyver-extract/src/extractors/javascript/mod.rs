//! JavaScript: package.json and the lock files of npm, yarn, pnpm and bun.

pub mod bun_lock;
pub(crate) mod lock_graph;
pub mod package_json;
pub mod package_lock;
pub mod pnpm_lock;
pub mod yarn_lock;
