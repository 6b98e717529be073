//! Syntax trees: each file format parses into one tree type ([`json::Node`]) that keeps the byte
//! span of every value and key, raw number text and duplicate keys, so that every front end can
//! point diagnostics at the exact text. YAML parses into the same tree ([`yaml`]).

pub mod json;
pub mod yaml;
