//! The `apigen` binary's library half: configuration, file reading and rendering, kept out of
//! `main.rs` so that integration tests and benchmarks use exactly the code the binary runs.

pub mod cache;
pub mod config;
pub mod files;
pub mod render;
pub mod repo;
pub mod report;
pub mod update;
