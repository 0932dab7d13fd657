//! conda environment files (`environment.yml`): conda packages and the pip packages they
//! install.

pub mod environment;
