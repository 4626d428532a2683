//! Consistency checks on the schema tables.

use std::collections::BTreeSet;

use zconnect_config::schema::{
    self, ElementSchema, ValueType, ELEMENTS, RECOGNISED_ELEMENTS, RECOGNISED_SINGLETONS,
};

fn all_elements() -> Vec<(String, &'static ElementSchema)> {
    fn walk(
        path: String,
        element: &'static ElementSchema,
        out: &mut Vec<(String, &'static ElementSchema)>,
    ) {
        out.push((path.clone(), element));
        for child in element.children {
            walk(format!("{path}/{}", child.name), child, out);
        }
    }
    let mut out = Vec::new();
    for element in ELEMENTS {
        walk(element.name.to_owned(), element, &mut out);
    }
    out
}

#[test]
fn element_names_are_unique() {
    let mut seen = BTreeSet::new();
    for element in ELEMENTS {
        assert!(seen.insert(element.name), "{} listed twice", element.name);
    }
}

#[test]
fn recognised_names_are_unique_and_not_used() {
    let mut seen = BTreeSet::new();
    for name in RECOGNISED_ELEMENTS {
        assert!(seen.insert(*name), "{name} listed twice");
        assert!(
            schema::element(name).is_none(),
            "{name} is both used and recognised"
        );
    }
}

#[test]
fn recognised_singletons_are_recognised() {
    for name in RECOGNISED_SINGLETONS {
        assert!(
            schema::is_recognised(name),
            "{name} is a singleton but not recognised"
        );
        assert!(schema::is_singleton(name), "{name}");
    }
}

#[test]
fn attribute_names_are_unique_ignoring_case() {
    for (path, element) in all_elements() {
        let mut seen = BTreeSet::new();
        for attribute in element.attributes {
            let lower = attribute.name.to_ascii_lowercase();
            assert!(
                seen.insert(lower),
                "{path}: {} listed twice",
                attribute.name
            );
        }
        for name in element.recognised_attributes {
            assert!(
                element.attribute(name).is_none(),
                "{path}: {name} is both used and recognised"
            );
        }
    }
}

#[test]
fn security_attributes_are_recognised() {
    for (path, element) in all_elements() {
        for name in element.security_attributes {
            assert!(element.is_recognised_attribute(name), "{path}: {name}");
        }
    }
}

#[test]
fn conditional_requirements_name_an_enum_attribute() {
    for (path, element) in all_elements() {
        for attribute in element.attributes {
            if let schema::Required::When {
                attribute: other,
                equals,
            } = attribute.required
            {
                let other = element.attribute(other).unwrap_or_else(|| {
                    panic!("{path}: {} depends on missing {other}", attribute.name)
                });
                let ValueType::Enum(options) = other.ty else {
                    panic!(
                        "{path}: {} depends on non-enum {}",
                        attribute.name, other.name
                    );
                };
                assert!(
                    options.contains(&equals),
                    "{path}: {equals} is not an option of {}",
                    other.name
                );
            }
        }
    }
}

#[test]
fn references_name_used_element_kinds() {
    for (path, element) in all_elements() {
        for attribute in element.attributes {
            if let ValueType::Reference(kinds) | ValueType::ReferenceList(kinds) = attribute.ty {
                for kind in kinds {
                    assert!(
                        schema::element(kind).is_some(),
                        "{path}: {} names {kind}",
                        attribute.name
                    );
                }
            }
        }
    }
}

#[test]
fn singleton_kinds_match_liberty() {
    for name in [
        "config",
        "featureManager",
        "zosconnect_apiRequesters",
        "zosconnect_zosConnectManager",
        "administrator-role",
        "logging",
    ] {
        assert!(schema::is_singleton(name), "{name}");
    }
    for name in [
        "zosconnect_endpointConnection",
        "ssl",
        "keyStore",
        "httpEndpoint",
        "webApplication",
    ] {
        assert!(!schema::is_singleton(name), "{name}");
    }
}

#[test]
fn secret_attributes_are_passwords() {
    assert!(schema::is_secret(&["zosconnect_authData"], "password"));
    assert!(schema::is_secret(&["zosconnect_authData"], "PASSWORD"));
    assert!(schema::is_secret(&["keyStore"], "password"));
    assert!(schema::is_secret(&["basicRegistry", "user"], "password"));
    assert!(!schema::is_secret(&["zosconnect_authData"], "user"));
}

#[test]
fn list_attributes_are_text_lists() {
    assert!(schema::element("featureManager")
        .and_then(|e| e.attribute("feature"))
        .is_some_and(|a| a.list));
    let role = schema::element("administrator-role").expect("administrator-role");
    assert!(role.attribute("user").is_some_and(|a| a.list));
    assert!(role.attribute("group").is_some_and(|a| a.list));
}
