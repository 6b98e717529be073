//! One OpenAPI document (YAML, which JSON documents are too) through the whole pipeline:
//! compile, lint, a self-diff that must be empty, every generator.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::pipeline("api.yaml", data));
