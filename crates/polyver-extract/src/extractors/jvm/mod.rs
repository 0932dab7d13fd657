//! JVM: Maven pom.xml and Gradle build scripts, version catalogs and lock files.

pub mod gradle;
pub mod gradle_catalog;
pub mod gradle_lockfile;
pub mod gradle_wrapper;
pub mod pom;
