//! .NET: MSBuild project files, NuGet and Paket lock files, and the `*.deps.json` a build
//! writes next to an app.

pub mod deps_json;
pub mod msbuild;
pub mod nuget_lock;
pub mod paket_lock;
