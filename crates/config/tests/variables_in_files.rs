//! Variables as written in configuration files: definitions, diagnostics and
//! their positions.

mod sources_support;

use sources_support::{value, with_id, ServerDir};
use zconnect_config::sources::ReadOutcome;

fn read(xml: &str) -> ReadOutcome {
    let server = ServerDir::new();
    server.write("server.xml", xml);
    server.read_ok()
}

#[test]
fn variable_without_name_is_an_error() {
    let outcome = read("<server>\n<variable value=\"x\"/>\n</server>");

    let errors = with_id(&outcome.diagnostics, "ZCN0091E");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(2));
    assert!(
        errors[0].message.contains("line 2"),
        "{}",
        errors[0].message
    );
}

#[test]
fn variable_default_value_alone_defines_it() {
    let outcome = read("<server><variable name=\"p\" defaultValue=\"8080\"/><zosconnect_endpointConnection id=\"e\" port=\"${p}\"/></server>");

    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("8080")
    );
}

#[test]
fn variable_defined_later_in_another_file_wins() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><variable name=\"p\" value=\"1\"/><zosconnect_endpointConnection id=\"e\" port=\"${p}\"/></server>",
    );
    server.write(
        "configDropins/overrides/p.xml",
        "<server><variable name=\"p\" value=\"2\"/></server>",
    );

    let outcome = server.read_ok();

    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("2")
    );
}

#[test]
fn variable_cycle_is_one_error_naming_the_cycle() {
    let outcome = read(concat!(
        "<server><variable name=\"a\" value=\"${b}\"/><variable name=\"b\" value=\"${a}\"/>",
        "<zosconnect_authData id=\"x\" user=\"${a}\"/><zosconnect_authData id=\"y\" user=\"${b}\"/></server>"
    ));

    let errors = with_id(&outcome.diagnostics, "ZCN8011E");
    assert_eq!(errors.len(), 1, "{:#?}", outcome.diagnostics);
    assert!(
        errors[0].message.contains("a -> b -> a"),
        "{}",
        errors[0].message
    );
    assert!(errors[0].is_error());
    assert_eq!(
        value(&outcome, "zosconnect_authData[x]", "user").as_deref(),
        Some("${a}")
    );
}

#[test]
fn variable_undefined_inside_another_names_both() {
    let outcome = read("<server><variable name=\"url\" value=\"https://${host}\"/><zosconnect_authorizationServer id=\"a\" tokenEndpoint=\"${url}/token\"/></server>");

    let warnings = with_id(&outcome.diagnostics, "ZCN8010W");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].message.contains("${host}"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[0].message.contains("variable url"),
        "{}",
        warnings[0].message
    );
    assert_eq!(
        value(
            &outcome,
            "zosconnect_authorizationServer[a]",
            "tokenEndpoint"
        )
        .as_deref(),
        Some("https://${host}/token")
    );
}

#[test]
fn variable_reference_position_in_text_value() {
    let outcome = read("<server>\n  <featureManager>\n    <feature>\n      x-${missing}</feature>\n  </featureManager>\n</server>");

    let warnings = with_id(&outcome.diagnostics, "ZCN8010W");
    let location = warnings[0].location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (4, 9));
    assert_eq!(warnings[0].attribute.as_deref(), Some("feature"));
}

#[test]
fn variable_second_reference_position_in_attribute() {
    let outcome = read("<server>\n<zosconnect_authData id=\"d\" user=\"${a}${missing}\"/>\n<variable name=\"a\" value=\"1\"/></server>");

    let warnings = with_id(&outcome.diagnostics, "ZCN8010W");
    assert_eq!(warnings.len(), 1);
    let location = warnings[0].location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (2, 39));
}

#[test]
fn variable_placeholders_in_request_body_attribute_stay() {
    let outcome = read("<server><zosconnect_authToken id=\"t\"><tokenRequest requestBody=\"u=${userid}&amp;p=${password}\"/></zosconnect_authToken></server>");

    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    let token = &outcome.document.elements[0];
    let body = token.children[0].value("requestBody").expect("requestBody");
    assert_eq!(body.text, "u=${userid}&p=${password}");
}

#[test]
fn variable_in_nested_id_is_not_expanded() {
    let outcome = read("<server><zosconnect_apiRequesters><apiRequester id=\"${x}\" name=\"n\"/></zosconnect_apiRequesters></server>");

    let requesters = &outcome.document.elements[0];
    assert_eq!(requesters.children[0].id.as_deref(), Some("${x}"));
    assert_eq!(with_id(&outcome.diagnostics, "ZCN0104W").len(), 1);
    assert!(with_id(&outcome.diagnostics, "ZCN8010W").is_empty());
}

#[test]
fn variable_arithmetic_failure_is_a_warning() {
    let outcome =
        read("<server><zosconnect_endpointConnection id=\"e\" port=\"${9000/0}\"/></server>");

    let warnings = with_id(&outcome.diagnostics, "ZCN8013W");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].message.contains("division by zero"),
        "{}",
        warnings[0].message
    );
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("${9000/0}")
    );
}
