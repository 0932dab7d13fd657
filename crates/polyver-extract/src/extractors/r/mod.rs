//! R: renv's `renv.lock`.

pub mod renv_lock;
