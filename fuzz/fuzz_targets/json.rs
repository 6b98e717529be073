//! The JSON parser on any text: a tree or a positioned error, never a panic; every span inside
//! the text, on character boundaries.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| apigen_fuzz::parser(data, compiler::syntax::json::parse));
