//! Apple platforms: SwiftPM's `Package.resolved` and CocoaPods' `Podfile.lock`.

pub mod package_resolved;
pub mod podfile_lock;
