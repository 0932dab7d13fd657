//! Elixir and Erlang projects built with Mix (`mix.exs`, `mix.lock`): Hex packages.

mod lexer;
pub mod mix_exs;
pub mod mix_lock;
mod terms;
