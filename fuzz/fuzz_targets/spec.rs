//! One spec file through the whole pipeline, api.json or service.json (the compiler tells them
//! apart): compile, lint, a self-diff that must be empty, every generator.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::pipeline("spec.json", data));
