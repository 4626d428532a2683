//! How occurrences merge into one element: identity, attribute case, lists,
//! text and `ref` children, nested elements, ids and conflicting values.

mod sources_support;

use sources_support::{value, with_id, ServerDir};
use zconnect_config::sources::ReadOutcome;
use zconnect_config::tree::MergedElement;

fn read(xml: &str) -> ReadOutcome {
    let server = ServerDir::new();
    server.write("server.xml", xml);
    server.read_ok()
}

fn element<'a>(outcome: &'a ReadOutcome, path: &str) -> &'a MergedElement {
    outcome
        .document
        .elements
        .iter()
        .find(|element| element.path() == path)
        .unwrap_or_else(|| panic!("no element {path} in {:#?}", outcome.document))
}

fn texts(element: &MergedElement, attribute: &str) -> Vec<String> {
    element
        .attribute(attribute)
        .map(|a| a.values.iter().map(|v| v.text.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn merge_singleton_occurrences_become_one() {
    let outcome = read("<server><config onError=\"FAIL\"/><zosconnect_authData id=\"d\" user=\"u\"/><config monitorInterval=\"1s\"/></server>");

    let configs: Vec<_> = outcome
        .document
        .elements
        .iter()
        .filter(|e| e.name == "config")
        .collect();
    assert_eq!(configs.len(), 1);
    assert_eq!(configs[0].id, None);
    assert_eq!(
        value(&outcome, "config", "onError").as_deref(),
        Some("FAIL")
    );
    assert_eq!(
        value(&outcome, "config", "monitorInterval").as_deref(),
        Some("1s")
    );
}

#[test]
fn merge_factory_occurrences_merge_by_id() {
    let outcome = read("<server><zosconnect_authData id=\"a\" user=\"1\"/><zosconnect_authData id=\"b\" user=\"2\"/><zosconnect_authData id=\"a\" password=\"p\"/></server>");

    assert_eq!(outcome.document.elements.len(), 2);
    let a = element(&outcome, "zosconnect_authData[a]");
    assert_eq!(texts(a, "user"), ["1"]);
    assert_eq!(texts(a, "password"), ["p"]);
}

#[test]
fn merge_idless_factory_occurrences_get_default_ids_in_order() {
    let outcome = read("<server><zosconnect_authData user=\"x\"/><zosconnect_authData id=\"n\" user=\"n\"/><zosconnect_authData user=\"y\"/><ssl keyStoreRef=\"k\"/></server>");

    let first = element(&outcome, "zosconnect_authData[default-0]");
    assert!(first.generated_id);
    assert_eq!(texts(first, "user"), ["x"]);
    assert_eq!(
        texts(element(&outcome, "zosconnect_authData[default-1]"), "user"),
        ["y"]
    );
    assert!(element(&outcome, "ssl[default-0]").generated_id);
    assert!(!element(&outcome, "zosconnect_authData[n]").generated_id);
}

#[test]
fn merge_single_valued_attribute_last_wins() {
    let outcome = read("<server><zosconnect_authData id=\"a\" user=\"1\"/><zosconnect_authData id=\"a\" user=\"2\"/></server>");

    assert_eq!(
        texts(element(&outcome, "zosconnect_authData[a]"), "user"),
        ["2"]
    );
}

#[test]
fn merge_attribute_names_ignore_case_across_occurrences() {
    let outcome = read("<server><zosconnect_oAuthConfig id=\"o\" tokenRetryCheckLevel=\"1\"/><zosconnect_oAuthConfig id=\"o\" TOKENRETRYCHECKLEVEL=\"3\"/></server>");

    let oauth = element(&outcome, "zosconnect_oAuthConfig[o]");
    assert_eq!(oauth.attributes.len(), 1);
    assert_eq!(oauth.attributes[0].name, "TOKENRETRYCHECKLEVEL");
    assert_eq!(texts(oauth, "tokenRetryCheckLevel"), ["3"]);
}

#[test]
fn merge_two_spellings_on_one_element_later_wins_with_warning() {
    let outcome = read("<server><zosconnect_oAuthConfig id=\"o\" tokenRetryCheckLevel=\"1\" TOKENRETRYCHECKLEVEL=\"3\"/></server>");

    assert_eq!(
        texts(
            element(&outcome, "zosconnect_oAuthConfig[o]"),
            "tokenRetryCheckLevel"
        ),
        ["3"]
    );
    let warnings = with_id(&outcome.diagnostics, "ZCN8014W");
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].attribute.as_deref(),
        Some("TOKENRETRYCHECKLEVEL")
    );
}

#[test]
fn merge_text_children_append_across_occurrences() {
    let outcome = read(concat!(
        "<server><featureManager><feature>zosconnect:apiRequester-1.0</feature>",
        "<feature><![CDATA[ssl-1.0]]></feature></featureManager>",
        "<featureManager><feature>\n  appSecurity-2.0\n</feature></featureManager></server>"
    ));

    let features = texts(element(&outcome, "featureManager"), "feature");
    assert_eq!(
        features,
        ["zosconnect:apiRequester-1.0", "ssl-1.0", "appSecurity-2.0"]
    );
}

#[test]
fn merge_list_attribute_appends_across_occurrences() {
    let outcome = read(
        "<server><featureManager feature=\"a-1.0\"/><featureManager feature=\"b-1.0\"/></server>",
    );

    assert_eq!(
        texts(element(&outcome, "featureManager"), "feature"),
        ["a-1.0", "b-1.0"]
    );
}

#[test]
fn merge_text_value_concatenates_text_and_cdata_trimmed_once() {
    let outcome = read("<server><featureManager><feature>  a<!-- c -->b<![CDATA[ c ]]>  </feature></featureManager></server>");

    assert_eq!(
        texts(element(&outcome, "featureManager"), "feature"),
        ["ab c"]
    );
}

#[test]
fn merge_ref_child_becomes_a_reference_value() {
    let outcome = read("<server><zosconnect_endpointConnection id=\"e\"><basicAuth ref=\"creds\"/></zosconnect_endpointConnection></server>");

    let endpoint = element(&outcome, "zosconnect_endpointConnection[e]");
    assert_eq!(texts(endpoint, "basicAuthRef"), ["creds"]);
    assert!(endpoint.children.is_empty());
}

#[test]
fn merge_nested_elements_append_with_their_values() {
    let outcome = read(concat!(
        "<server><zosconnect_authToken id=\"t\"><tokenRequest credentialLocation=\"body\"><requestBody>{\"u\":\"${userid}\",\"p\":\"${password}\"}</requestBody></tokenRequest></zosconnect_authToken>",
        "<zosconnect_authToken id=\"t\"><tokenResponse tokenLocation=\"header\"/></zosconnect_authToken></server>"
    ));

    let token = element(&outcome, "zosconnect_authToken[t]");
    let names: Vec<_> = token.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["tokenRequest", "tokenResponse"]);
    let request = &token.children[0];
    assert_eq!(
        texts(request, "requestBody"),
        ["{\"u\":\"${userid}\",\"p\":\"${password}\"}"]
    );
    assert_eq!(texts(request, "credentialLocation"), ["body"]);
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
}

#[test]
fn merge_placeholders_outside_request_body_are_variables() {
    let outcome = read("<server><zosconnect_authData id=\"d\" user=\"${userid}\"/></server>");

    assert_eq!(with_id(&outcome.diagnostics, "ZCN8010W").len(), 1);
}

#[test]
fn merge_empty_child_is_a_nested_element() {
    let outcome = read(
        "<server><zosconnect_authToken id=\"t\"><tokenRequest/></zosconnect_authToken></server>",
    );

    let token = element(&outcome, "zosconnect_authToken[t]");
    assert_eq!(token.children.len(), 1);
    assert!(token.attribute("tokenRequest").is_none());
}

#[test]
fn merge_id_is_never_expanded_and_warns() {
    let outcome = read("<server><variable name=\"x\" value=\"1\"/><zosconnect_authData id=\"a${x}\" user=\"${x}\"/></server>");

    let data = element(&outcome, "zosconnect_authData[a${x}]");
    assert_eq!(texts(data, "user"), ["1"]);
    let warnings = with_id(&outcome.diagnostics, "ZCN0104W");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].attribute.as_deref(), Some("id"));
}

#[test]
fn merge_different_values_give_an_info_listing_each_position() {
    let outcome = read("<server>\n<zosconnect_authData id=\"a\" user=\"1\"/>\n<zosconnect_authData id=\"a\" user=\"2\"/>\n</server>");

    let infos = with_id(&outcome.diagnostics, "ZCN0102I");
    assert_eq!(infos.len(), 1);
    let message = &infos[0].message;
    assert!(message.contains("\"1\" at "), "{message}");
    assert!(message.contains("server.xml:2:"), "{message}");
    assert!(message.contains("server.xml:3:"), "{message}");
    assert!(message.contains("The value \"2\""), "{message}");
}

#[test]
fn merge_same_value_twice_gives_no_info() {
    let outcome = read("<server><zosconnect_authData id=\"a\" user=\"1\"/><zosconnect_authData id=\"a\" user=\"1\"/></server>");

    assert!(with_id(&outcome.diagnostics, "ZCN0102I").is_empty());
}

#[test]
fn merge_different_passwords_are_masked_in_the_info() {
    let outcome = read("<server><zosconnect_authData id=\"a\" password=\"hunter2\"/><zosconnect_authData id=\"a\" password=\"s3cret\"/></server>");

    let infos = with_id(&outcome.diagnostics, "ZCN0102I");
    assert_eq!(infos.len(), 1);
    let message = &infos[0].message;
    assert!(!message.contains("hunter2"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
    assert!(message.contains("****"), "{message}");
}

#[test]
fn merge_positions_point_at_values() {
    let outcome = read("<server>\n  <zosconnect_authData id=\"a\"\n     user=\"u\"/>\n</server>");

    let data = element(&outcome, "zosconnect_authData[a]");
    assert_eq!((data.location.line, data.location.column), (2, 3));
    let user = data.value("user").unwrap();
    assert_eq!((user.location.line, user.location.column), (3, 12));
}
