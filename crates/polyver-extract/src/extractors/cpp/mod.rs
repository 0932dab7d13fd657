//! C and C++: Conan's `conan.lock`.

pub mod conan_lock;
