//! PHP: Composer's composer.json and composer.lock.

pub mod composer_json;
pub mod composer_lock;
