//! Arbitrary damage to server.xml.example (byte flips, deletions,
//! insertions) must never make `load` panic: every outcome is a
//! configuration with diagnostics or a load failure.

use std::path::Path;

use proptest::prelude::*;
use zconnect_config::{load, LoadOptions};

fn example() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../server.xml.example"))
        .expect("read the example")
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Inserted bytes favour XML syntax so that damage reaches the later stages.
    let syntax = prop::sample::select(b"<>/=\"'&;${}: \n\tabcxyz019-_.{xor}".to_vec());
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            any::<usize>(),
            prop::collection::vec(prop_oneof![syntax, any::<u8>()], 1..16)
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match mutation {
        Mutation::Flip { at, mask } => {
            let index = at % bytes.len();
            bytes[index] ^= mask;
        }
        Mutation::Delete { at, len } => {
            let start = at % bytes.len();
            let end = (start + len).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Insert {
            at,
            bytes: inserted,
        } => {
            let index = at % (bytes.len() + 1);
            bytes.splice(index..index, inserted.iter().copied());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn load_never_panics_on_damaged_example(mutations in prop::collection::vec(mutation(), 1..8)) {
        let mut bytes = example();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("server.xml"), &bytes).expect("write server.xml");

        match load(dir.path(), &LoadOptions::default()) {
            Ok(loaded) => prop_assert!(loaded.config.server_dir == dir.path()),
            Err(failure) => prop_assert!(!failure.diagnostics.is_empty(), "a failure explains itself"),
        }
    }
}
