//! Python: pip requirements, pyproject, setup.cfg, Pipfile and the lock files of pipenv, Poetry, uv and PDM, and PEP 751's pylock.toml.

pub mod pdm_lock;
pub mod pipfile;
pub mod pipfile_lock;
pub mod poetry_lock;
pub mod pylock;
pub mod pyproject;
pub(crate) mod python_locks;
pub mod requirements;
pub mod setup_cfg;
pub mod uv_lock;
