//! Dart and Flutter: pub's `pubspec.lock`.

pub mod pubspec_lock;
