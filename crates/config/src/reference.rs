//! Generates the user reference pages from the schema and the message
//! catalog, so the documentation cannot drift from the code:
//! `docs/configuration.md` from [`crate::schema`] and `docs/messages.md`
//! from [`crate::diagnostics::catalog::ALL`].
//!
//! A test compares the committed pages with these functions' output; run
//! `ZCONNECT_BLESS=1 cargo test -p zconnect-config docs_` to rewrite them.

use std::fmt::Write;

use crate::diagnostics::catalog;
use crate::schema::{
    AttributeSchema, ElementKind, ElementSchema, Family, Required, TimeUnit, ValueType, ELEMENTS,
    RECOGNISED_ELEMENTS,
};

/// The command that rewrites the generated pages.
pub const REGENERATE_COMMAND: &str = "ZCONNECT_BLESS=1 cargo test -p zconnect-config docs_";

const CONFIGURATION_INTRO: &str = "\
zconnect reads a Liberty-style `server.xml` written for IBM z/OS Connect. This page lists every \
element and attribute it reads, with its type, default and meaning. Attributes marked \
**extension** are zconnect's own and are not documented by z/OS Connect; z/OS Connect ignores \
them.

Attribute names ignore case; element names do not. An `id` is required only where another \
element references the element. Durations are written as a bare number in the attribute's base \
unit, or as parts such as `1m30s`, `1s500ms` or `2h 5m` with the units `d`, `h`, `m`, `s` and \
`ms`. Unlike Liberty, zconnect rejects a trailing number without a unit (`1m30`), a sign and a \
fraction. Passwords are plain text or `{xor}` as written by `zconnect encode`; `{aes}` cannot be \
decoded, so take such a password from a variable instead.

An invalid value of an attribute with a default gets a warning and the default applies. Without \
a default, or when a required attribute is missing or a reference names no element of the right \
kind, the element is left out with an error, and every element that references it is left out \
with a warning. With `<config onError=\"FAIL\"/>` any error rejects the whole configuration.";

const DIFFERENCES: &str = "\
## Differences from Liberty

Apart from these, a `server.xml` that Liberty accepts loads in zconnect with no error.

| input | Liberty | zconnect |
| --- | --- | --- |
| `<!DOCTYPE>` and entities | accepted | error: rejected |
| encodings other than UTF-8 and US-ASCII | accepted | error |
| `<include location=\"http://...\">` | fetched | error: not fetched |
| undefined `${var}`, unknown element or attribute, a value given twice in merged elements | silent | reported as info or warning |
| unresolved reference | warning, the element fails at run time | error on the element |
| duration `1m30`, `-5s` | silently truncated | invalid value warning, default used |
| `{aes}` password on an element in use | decoded | error on the element |
| Java system properties, `variables/` folders, `server.env` | variable sources | not read |";

const TLS: &str = "\
## TLS

Outbound connections use rustls with TLS 1.2 and 1.3 and always verify the server's host name. \
Trust comes from the `ssl` element's trust store, else its key store, else the system trust \
roots. zconnect reads `PKCS12` and `PEM` stores; `JKS` and `JCEKS` stores must be converted with \
`keytool -importkeystore`. The `ssl` attributes that tune TLS in Liberty (`sslProtocol`, \
`enabledCiphers`, `securityLevel`, `verifyHostname`, `skipHostnameVerificationForHosts`, \
`trustDefaultCerts`) are ignored with a warning.";

/// Generates `docs/configuration.md`.
pub fn configuration_markdown() -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# Configuration reference\n");
    let _ = writeln!(
        page,
        "<!-- Generated from the schema by `{REGENERATE_COMMAND}`; do not edit. -->\n"
    );
    let _ = writeln!(page, "{CONFIGURATION_INTRO}\n");

    for (family, title) in [
        (Family::ApiRequester, "API requester elements"),
        (Family::Liberty, "Liberty elements"),
    ] {
        let _ = writeln!(page, "## {title}\n");
        for element in ELEMENTS.iter().filter(|element| element.family == family) {
            write_element(&mut page, element, None);
        }
    }

    let _ = writeln!(page, "## Elements recognised but not used\n");
    let _ = writeln!(
        page,
        "These elements belong to features zconnect does not provide. They load with an info \
         diagnostic and appear in the effective configuration as not used; their contents are not \
         checked.\n"
    );
    let mut names: Vec<&str> = RECOGNISED_ELEMENTS.to_vec();
    names.sort_unstable_by_key(|name| name.to_ascii_lowercase());
    let listed: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let _ = writeln!(page, "{}\n", listed.join(", "));

    let _ = writeln!(page, "{TLS}\n");
    let _ = writeln!(page, "{DIFFERENCES}");
    page
}

fn write_element(page: &mut String, element: &ElementSchema, parent: Option<&str>) {
    let heading = match parent {
        None => {
            let kind = match element.kind {
                ElementKind::Singleton => "singleton",
                ElementKind::Factory => "factory",
            };
            format!("### {} ({kind})", element.name)
        }
        Some(parent) => {
            let count = match element.kind {
                ElementKind::Singleton => "at most one",
                ElementKind::Factory => "a list",
            };
            format!("#### {parent} / {} ({count})", element.name)
        }
    };
    let _ = writeln!(page, "{heading}\n\n{}\n", element.summary);

    if !element.attributes.is_empty() {
        let _ = writeln!(page, "| attribute | type | default | required | meaning |");
        let _ = writeln!(page, "| --- | --- | --- | --- | --- |");
        for attribute in element.attributes {
            let _ = writeln!(
                page,
                "| `{}` | {} | {} | {} | {} |",
                attribute.name,
                type_text(attribute),
                default_text(attribute),
                required_text(attribute),
                meaning_text(attribute)
            );
        }
        let _ = writeln!(page);
    }

    if !element.recognised_attributes.is_empty() {
        let names: Vec<String> = element
            .recognised_attributes
            .iter()
            .map(|name| match element.is_security_attribute(name) {
                true => format!("`{name}` (warning: changes security in Liberty)"),
                false => format!("`{name}`"),
            })
            .collect();
        let _ = writeln!(page, "Recognised but not used: {}.\n", names.join(", "));
    }

    let path = match parent {
        Some(parent) => format!("{parent} / {}", element.name),
        None => element.name.to_owned(),
    };
    for child in element.children {
        write_element(page, child, Some(&path));
    }
}

fn quoted_list(options: &[&str]) -> String {
    options
        .iter()
        .map(|option| format!("`{option}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_text(attribute: &AttributeSchema) -> String {
    let base = match attribute.ty {
        ValueType::String => "string".to_owned(),
        ValueType::Boolean => "boolean".to_owned(),
        ValueType::Int { min, max } => format!("int {min} to {max}"),
        ValueType::IntOptions(options) => {
            let options: Vec<String> = options.iter().map(|option| format!("`{option}`")).collect();
            format!("int: {}", options.join(" or "))
        }
        ValueType::Duration(TimeUnit::Milliseconds) => "duration (bare number: ms)".to_owned(),
        ValueType::Duration(TimeUnit::Seconds) => "duration (bare number: s)".to_owned(),
        ValueType::Enum(options) => format!("one of {}", quoted_list(options)),
        ValueType::Password {
            hash_allowed: false,
        } => "password: plain or `{xor}`".to_owned(),
        ValueType::Password { hash_allowed: true } => {
            "password: plain, `{xor}` or `{hash}`".to_owned()
        }
        ValueType::Url => "absolute `http` or `https` URL".to_owned(),
        ValueType::Reference(kinds) => format!("id of {}", kinds.join(" or ")),
        ValueType::ReferenceList(kinds) => format!("comma-separated ids of {}", kinds.join(" or ")),
        ValueType::NameList => "comma-separated names".to_owned(),
        ValueType::JsonPath => "JSONPath".to_owned(),
    };
    if attribute.list {
        format!("{base}, one per text child")
    } else {
        base
    }
}

fn default_text(attribute: &AttributeSchema) -> String {
    match (attribute.default, attribute.default_note) {
        (Some(""), _) => "empty".to_owned(),
        (Some(raw), _) => format!("`{raw}`"),
        (None, Some(note)) => note.to_owned(),
        (None, None) => String::new(),
    }
}

fn required_text(attribute: &AttributeSchema) -> String {
    match attribute.required {
        Required::No if attribute.name == "id" => "when referenced".to_owned(),
        Required::No => String::new(),
        Required::Yes => "yes".to_owned(),
        Required::When { attribute, equals } => format!("when `{attribute}` is `{equals}`"),
    }
}

fn meaning_text(attribute: &AttributeSchema) -> String {
    let summary = attribute.summary.replace('|', "\\|");
    if attribute.extension {
        format!("**extension**: {summary}")
    } else {
        summary
    }
}

/// Generates `docs/messages.md`.
pub fn messages_markdown() -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# Messages\n");
    let _ = writeln!(
        page,
        "<!-- Generated from the message catalog by `{REGENERATE_COMMAND}`; do not edit. -->\n"
    );
    let _ = writeln!(
        page,
        "Every diagnostic zconnect reports has an id of the form `ZCNnnnnS`: four digits and a \
         severity letter (`I` info, `W` warning, `E` error). Where Liberty (`CWWKG`) or z/OS \
         Connect (`BAQR`) has a message with the same meaning, zconnect uses the same four digits, \
         shown in the \"equivalent\" column. zconnect's own messages use 8000 to 8999.\n"
    );
    let _ = writeln!(page, "| id | severity | equivalent | reported when |");
    let _ = writeln!(page, "| --- | --- | --- | --- |");
    for def in catalog::ALL {
        let _ = writeln!(
            page,
            "| `{}` | {} | {} | {} |",
            def.id,
            def.severity,
            def.equivalent
                .map(|id| format!("`{id}`"))
                .unwrap_or_default(),
            def.summary.replace('|', "\\|")
        );
    }
    page
}
