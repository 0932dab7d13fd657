//! PLACEHOLDER: being implemented. Interface contract shared by every ecosystem module.
use crate::algebra::{Constraint, VersionSet};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(String);

impl Version {
    pub fn parse(s: &str) -> Result<Version, String> {
        Err(format!("not implemented yet: {s}"))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug)]
pub struct Range(String);

impl Range {
    pub fn parse(s: &str) -> Result<Range, String> {
        Err(format!("not implemented yet: {s}"))
    }
    pub fn contains(&self, _v: &Version) -> bool {
        false
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Constraint for Range {
    type Version = Version;
    fn to_set(&self) -> VersionSet<Version> {
        VersionSet::full()
    }
}
