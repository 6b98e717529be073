//! No input may panic the compiler: thousands of deterministic mutations of real specs (bytes
//! flipped, cut, duplicated, brackets and quotes inserted) all compile to diagnostics.

use compiler::{Config, Input, NoLoader};

/// A small deterministic generator (xorshift), so that a failure reproduces exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len().max(1);
        let at = rng.below(len);
        match rng.below(7) {
            0 => out.truncate(at),
            1 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] = rng.next() as u8;
            }
            2 => {
                let token: &[u8] =
                    [&b"{"[..], b"}", b"[", b"]", b"\"", b",", b":", b"null", b"\\u00", b"\xff", b"-1e999"]
                        [rng.below(11)];
                out.splice(at.min(out.len())..at.min(out.len()), token.iter().copied());
            }
            3 => {
                let end = (at + rng.below(200)).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 => {
                let end = (at + rng.below(400)).min(out.len());
                let chunk = out[at.min(end)..end].to_vec();
                let to = rng.below(out.len().max(1)).min(out.len());
                out.splice(to..to, chunk);
            }
            5 => {
                // Swap a type name for another plausible one.
                let text = String::from_utf8_lossy(&out).replacen(
                    "\"string\"",
                    ["\"[string]\"", "\"map[\"", "\"unit\"", "\"object\"", "\"user\""][rng.below(5)],
                    1,
                );
                out = text.into_bytes();
            }
            _ => {}
        }
    }
    out
}

#[test]
fn mutated_specs_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seeds: Vec<Vec<u8>> = ["schemas/user.json", "schemas/notification.json", "schemas/common.json"]
        .iter()
        .map(|p| std::fs::read(root.join(p)).unwrap())
        .chain(
            [
                "apicollective_apibuilder__spec__apibuilder-api.json",
                "apicollective_apibuilder-generator__lib__src__test__resources__examples__union-types-discriminator-service.json",
                "apicollective_apibuilder-generator__lib__src__test__resources__examples__interfaces.json",
                "apicollective_apibuilder__examples__example-template.json",
            ]
            .iter()
            .map(|f| std::fs::read(root.join("../shared/corpus/apibuilder").join(f)).unwrap()),
        )
        .collect();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut compiled = 0;
    for round in 0..1000 {
        for seed in &seeds {
            let bytes = mutate(&mut rng, seed);
            let inputs = vec![Input { name: format!("mutant-{round}.json"), bytes }];
            let c = compiler::compile(inputs, &Config::default(), &mut NoLoader);
            // Every diagnostic points inside its file.
            for d in &c.diagnostics {
                let len = c.sources.get(d.primary.loc.file).text.len() as u32;
                assert!(d.primary.loc.span.end <= len, "span past the end: {d:?}");
            }
            compiled += 1;
        }
    }
    assert_eq!(compiled, 1000 * seeds.len());
}
