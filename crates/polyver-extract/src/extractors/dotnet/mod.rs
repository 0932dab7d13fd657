//! .NET: MSBuild project files and NuGet lock files.

pub mod msbuild;
pub mod nuget_lock;
