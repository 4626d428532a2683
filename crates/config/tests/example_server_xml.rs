//! The shipped server.xml.example: it must load with no warning and no
//! error, and its effective configuration is pinned.

use std::path::{Path, PathBuf};

use zconnect_config::{load, LoadOptions, Loaded, Severity};

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../server.xml.example")
}

/// Loads the example as server.xml of a fresh server directory.
fn load_example() -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::copy(example_path(), dir.path().join("server.xml")).expect("copy the example");
    // The example's trust store, at the same place relative to server.xml.
    let examples = dir.path().join("examples");
    std::fs::create_dir(&examples).expect("create examples");
    std::fs::copy(
        example_path().with_file_name("examples/example-ca.pem"),
        examples.join("example-ca.pem"),
    )
    .expect("copy the example CA");
    let mut options = LoadOptions::default();
    options.environment.insert(
        "PETSTORE_CLIENT_SECRET".to_owned(),
        "example-secret".to_owned(),
    );
    let loaded = load(dir.path(), &options).expect("the example loads");
    (dir, loaded)
}

#[test]
fn example_loads_without_warnings() {
    let (_dir, loaded) = load_example();
    let problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity() >= Severity::Warning)
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        loaded.config.invalid_elements.is_empty(),
        "{:?}",
        loaded.config.invalid_elements
    );
}

#[test]
fn example_uses_every_element_kind() {
    let (_dir, loaded) = load_example();
    let kinds: Vec<&str> = loaded
        .effective
        .elements
        .iter()
        .map(|element| element.kind.as_str())
        .collect();
    for schema in zconnect_config::schema::ELEMENTS {
        if schema.name == "zosconnect_authTokenLocal" {
            continue;
        }
        assert!(
            kinds.contains(&schema.name),
            "the example has no {}",
            schema.name
        );
    }
}

#[test]
fn example_effective_configuration() {
    let (dir, loaded) = load_example();
    let json = serde_json::to_string_pretty(&*loaded.effective).expect("serialise");
    insta::assert_snapshot!(json.replace(&dir.path().display().to_string(), "$SERVER"));
}

#[test]
fn example_diagnostics() {
    let (dir, loaded) = load_example();
    let lines: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|diagnostic| {
            diagnostic
                .to_string()
                .replace(&dir.path().display().to_string(), "$SERVER")
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn example_secrets_are_masked() {
    let (_dir, loaded) = load_example();
    let json = serde_json::to_string(&*loaded.effective).expect("serialise");
    let debug = format!("{:?}", loaded.config);
    for secret in [
        "example-secret",
        "cicspass1",
        "zcadmin22",
        "trustpass12",
        "PDY8LC8",
    ] {
        assert!(!json.contains(secret), "effective view shows {secret}");
        assert!(!debug.contains(secret), "Debug output shows {secret}");
    }
}
