//! The list of extractors. Adding a format = one module under `extractors/` + one line here.

use crate::extractors::{
    dockerfile, package_json, package_lock, pyproject, requirements, version_files,
};
use crate::Extractor;

/// Every extractor, in a fixed order.
pub fn extractors() -> Vec<Box<dyn Extractor>> {
    vec![
        Box::new(requirements::RequirementsExtractor),
        Box::new(pyproject::PyprojectExtractor),
        Box::new(package_json::PackageJsonExtractor),
        Box::new(package_lock::PackageLockExtractor),
        Box::new(dockerfile::DockerfileExtractor),
        Box::new(version_files::VersionFileExtractor),
    ]
}
