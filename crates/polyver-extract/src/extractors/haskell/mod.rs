//! Haskell: the `stack.yaml.lock` Stack writes.

pub mod stack_lock;
