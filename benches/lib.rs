//! apigen's benchmarks live in this package's bench targets (`compile.rs`, `gate.rs`,
//! `generate.rs`); run them with `cargo bench -p apigen-benches`. The library is empty.
