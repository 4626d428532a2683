//! The committed reference pages must match what the schema and the message
//! catalog generate. Set ZCONNECT_BLESS=1 to rewrite them.

use std::path::{Path, PathBuf};

use zconnect_config::reference::{configuration_markdown, messages_markdown, REGENERATE_COMMAND};

fn docs_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name)
}

fn check_or_bless(name: &str, generated: &str) {
    let path = docs_file(name);
    if std::env::var_os("ZCONNECT_BLESS").is_some() {
        std::fs::write(&path, generated).expect("write the generated page");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/{name} differs from what the code generates; run `{REGENERATE_COMMAND}` and commit the result"
    );
}

#[test]
fn docs_configuration_is_current() {
    check_or_bless("configuration.md", &configuration_markdown());
}

#[test]
fn docs_messages_is_current() {
    check_or_bless("messages.md", &messages_markdown());
}

#[test]
fn docs_configuration_lists_every_attribute() {
    let page = configuration_markdown();
    for element in zconnect_config::schema::ELEMENTS {
        assert!(
            page.contains(&format!("### {} (", element.name)),
            "{}",
            element.name
        );
        for attribute in element.attributes {
            assert!(
                page.contains(&format!("| `{}` |", attribute.name)),
                "{}.{}",
                element.name,
                attribute.name
            );
        }
    }
}

#[test]
fn docs_messages_lists_every_id() {
    let page = messages_markdown();
    for def in zconnect_config::diagnostics::catalog::ALL {
        assert!(page.contains(&format!("| `{}` |", def.id)), "{}", def.id);
    }
}
