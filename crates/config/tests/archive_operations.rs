//! Matching a call's method and path against the operations of an archive.

use zconnect_config::archive::{match_operation, Operation};

fn operations(list: &[(&str, &str)]) -> Vec<Operation> {
    list.iter()
        .map(|(method, path)| Operation::new(method, path, None).expect("valid template"))
        .collect()
}

fn matched<'o>(
    operations: &'o [Operation],
    method: &str,
    path: &str,
) -> Option<(&'o str, &'o str)> {
    match_operation(operations, method, path)
        .map(|operation| (operation.method.as_str(), operation.relative_path.as_str()))
}

#[test]
fn literal_path_matches_itself() {
    let operations = operations(&[("GET", "/claim/rule")]);

    assert_eq!(
        matched(&operations, "GET", "/claim/rule"),
        Some(("GET", "/claim/rule"))
    );
}

#[test]
fn method_compares_case_insensitively() {
    let operations = operations(&[("get", "/claim/rule")]);

    assert_eq!(
        matched(&operations, "GET", "/claim/rule"),
        Some(("GET", "/claim/rule"))
    );
    assert_eq!(
        matched(&operations, "Get", "/claim/rule"),
        Some(("GET", "/claim/rule"))
    );
}

#[test]
fn other_method_does_not_match() {
    let operations = operations(&[("GET", "/claim/rule")]);

    assert_eq!(matched(&operations, "POST", "/claim/rule"), None);
}

#[test]
fn literal_segments_compare_case_sensitively() {
    let operations = operations(&[("GET", "/claim/rule")]);

    assert_eq!(matched(&operations, "GET", "/Claim/rule"), None);
}

#[test]
fn parameter_matches_one_segment() {
    let operations = operations(&[("GET", "/pets/{petId}")]);

    assert_eq!(
        matched(&operations, "GET", "/pets/42"),
        Some(("GET", "/pets/{petId}"))
    );
    assert_eq!(
        matched(&operations, "GET", "/pets/a%2Fb"),
        Some(("GET", "/pets/{petId}"))
    );
}

#[test]
fn parameter_does_not_match_two_segments() {
    let operations = operations(&[("GET", "/pets/{petId}")]);

    assert_eq!(matched(&operations, "GET", "/pets/42/toys"), None);
}

#[test]
fn parameter_does_not_match_empty_segment() {
    let operations = operations(&[("GET", "/pets/{petId}/toys")]);

    assert_eq!(matched(&operations, "GET", "/pets//toys"), None);
    assert_eq!(matched(&operations, "GET", "/pets/"), None);
}

#[test]
fn trailing_slash_does_not_match() {
    let operations = operations(&[("GET", "/claim/rule"), ("GET", "/pets/{id}")]);

    assert_eq!(matched(&operations, "GET", "/claim/rule/"), None);
    assert_eq!(matched(&operations, "GET", "/pets/1/"), None);
}

#[test]
fn template_with_trailing_slash_needs_it() {
    let operations = operations(&[("GET", "/claim/rule/")]);

    assert_eq!(matched(&operations, "GET", "/claim/rule"), None);
    assert_eq!(
        matched(&operations, "GET", "/claim/rule/"),
        Some(("GET", "/claim/rule/"))
    );
}

#[test]
fn percent_encoded_segment_compares_as_received() {
    let operations = operations(&[("GET", "/claim/rule")]);

    assert_eq!(matched(&operations, "GET", "/claim/r%75le"), None);
}

#[test]
fn path_without_leading_slash_does_not_match() {
    let operations = operations(&[("GET", "/claim/rule")]);

    assert_eq!(matched(&operations, "GET", "claim/rule"), None);
    assert_eq!(matched(&operations, "GET", ""), None);
}

#[test]
fn root_template_matches_root_only() {
    let operations = operations(&[("GET", "/")]);

    assert_eq!(matched(&operations, "GET", "/"), Some(("GET", "/")));
    assert_eq!(matched(&operations, "GET", "/x"), None);
}

#[test]
fn parameter_inside_segment_matches_around_literals() {
    let operations = operations(&[("GET", "/reports/{name}.{format}")]);

    assert_eq!(
        matched(&operations, "GET", "/reports/q1.2024.json"),
        Some(("GET", "/reports/{name}.{format}"))
    );
    assert_eq!(matched(&operations, "GET", "/reports/q1"), None);
    assert_eq!(matched(&operations, "GET", "/reports/.json"), None);
    assert_eq!(matched(&operations, "GET", "/reports/q1."), None);
}

#[test]
fn literal_path_wins_over_template() {
    let operations = operations(&[("GET", "/pets/{petId}"), ("GET", "/pets/mine")]);

    assert_eq!(
        matched(&operations, "GET", "/pets/mine"),
        Some(("GET", "/pets/mine"))
    );
    assert_eq!(
        matched(&operations, "GET", "/pets/7"),
        Some(("GET", "/pets/{petId}"))
    );
}

#[test]
fn first_declared_wins_among_equal_templates() {
    let list = [("GET", "/a/{x}"), ("GET", "/a/{y}")];
    let operations: Vec<Operation> = list
        .iter()
        .enumerate()
        .map(|(index, (method, path))| {
            Operation::new(method, path, Some(format!("op{index}"))).expect("valid template")
        })
        .collect();

    let operation = match_operation(&operations, "GET", "/a/1").expect("matches");

    assert_eq!(operation.operation_id.as_deref(), Some("op0"));
}

#[test]
fn non_ascii_segment_matches_parameter() {
    let operations = operations(&[("GET", "/city/{name}x")]);

    assert_eq!(
        matched(&operations, "GET", "/city/Zürichx"),
        Some(("GET", "/city/{name}x"))
    );
    assert_eq!(matched(&operations, "GET", "/city/ü"), None);
}

#[test]
fn invalid_templates_are_rejected() {
    for template in ["pets", "/pets/{id", "/pets/{}", "/pets/id}", "/pets/{a}{b}"] {
        let result = Operation::new("GET", template, None);

        assert!(result.is_err(), "template {template} should be rejected");
    }
}
