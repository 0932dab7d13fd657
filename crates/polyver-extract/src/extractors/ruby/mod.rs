//! Ruby: Bundler's Gemfile and Gemfile.lock.

pub mod gemfile;
pub mod gemfile_lock;
