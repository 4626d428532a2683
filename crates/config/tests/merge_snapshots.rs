//! Snapshots of merged documents: includes, dropins, each onConflict value,
//! inheritance and the ancestor rule, variables from every source, folder
//! includes, include cycles and optional missing includes.

mod sources_support;

use std::collections::BTreeMap;

use sources_support::ServerDir;
use zconnect_config::LoadOptions;

fn snapshot(server: &ServerDir) -> String {
    server.render(&server.read_ok())
}

fn snapshot_with(server: &ServerDir, options: &LoadOptions) -> String {
    let outcome = server.read_with(options).expect("loads");
    server.render(&outcome)
}

#[test]
fn merge_across_includes_and_dropins() {
    let server = ServerDir::new();
    server.write(
        "configDropins/defaults/base.xml",
        r#"<server>
  <zosconnect_endpointConnection id="api" host="https://127.0.0.1" port="8443" connectionTimeout="10s"/>
  <featureManager><feature>ssl-1.0</feature></featureManager>
</server>"#,
    );
    server.write(
        "server.xml",
        r#"<server>
  <featureManager>
    <feature>zosconnect:apiRequester-1.0</feature>
  </featureManager>
  <zosconnect_endpointConnection id="api" port="9443"/>
  <include location="security.xml"/>
  <zosconnect_authData id="creds" user="app"/>
</server>"#,
    );
    server.write(
        "security.xml",
        r#"<server>
  <zosconnect_authData id="creds" password="{xor}Lz4sLCgwLTs="/>
  <zosconnect_endpointConnection id="api" basicAuthRef="creds"/>
</server>"#,
    );
    server.write(
        "configDropins/overrides/final.xml",
        r#"<server>
  <zosconnect_endpointConnection id="api" port="10443"/>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}

/// Builds a server whose server.xml includes `inc.xml` with `on_conflict`
/// written on the include.
fn conflict_case(on_conflict: &str) -> ServerDir {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        &format!(
            r#"<server>
  <zosconnect_authData id="creds" user="outer" password="outer-pw"/>
  <featureManager><feature>a-1.0</feature></featureManager>
  <include location="inc.xml" {on_conflict}/>
</server>"#
        ),
    );
    server.write(
        "inc.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="inner"/>
  <zosconnect_authData id="creds" user="inner-again"/>
  <zosconnect_authData id="only-inner" user="new"/>
  <featureManager><feature>b-1.0</feature></featureManager>
</server>"#,
    );
    server
}

#[test]
fn on_conflict_merge() {
    insta::assert_snapshot!(snapshot(&conflict_case(r#"onConflict="merge""#)));
}

#[test]
fn on_conflict_replace() {
    insta::assert_snapshot!(snapshot(&conflict_case(r#"onConflict="REPLACE""#)));
}

#[test]
fn on_conflict_ignore() {
    insta::assert_snapshot!(snapshot(&conflict_case(r#"onConflict="Ignore""#)));
}

#[test]
fn on_conflict_is_inherited_by_nested_includes() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="outer" password="outer-pw"/>
  <include location="middle.xml" onConflict="IGNORE"/>
</server>"#,
    );
    server.write(
        "middle.xml",
        r#"<server>
  <include location="inner.xml"/>
</server>"#,
    );
    server.write(
        "inner.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="inner"/>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}

#[test]
fn on_conflict_ancestor_ignore_beats_nested_replace() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="outer"/>
  <include location="middle.xml" onConflict="IGNORE"/>
</server>"#,
    );
    server.write(
        "middle.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="middle"/>
  <include location="inner.xml" onConflict="REPLACE"/>
</server>"#,
    );
    server.write(
        "inner.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="inner"/>
  <zosconnect_authData id="skip-middle" user="inner"/>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}

#[test]
fn on_conflict_ancestor_rule_skips_a_file_without_the_element() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="outer"/>
  <include location="middle.xml" onConflict="IGNORE"/>
</server>"#,
    );
    server.write(
        "middle.xml",
        r#"<server>
  <include location="inner.xml" onConflict="REPLACE"/>
</server>"#,
    );
    server.write(
        "inner.xml",
        r#"<server>
  <zosconnect_authData id="creds" user="inner"/>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}

#[test]
fn on_conflict_replace_replaces_lists_and_nested_elements() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <featureManager><feature>a-1.0</feature><feature>b-1.0</feature></featureManager>
  <zosconnect_authToken id="t" header="X-Token">
    <tokenRequest credentialLocation="header"/>
    <tokenResponse tokenLocation="body"/>
  </zosconnect_authToken>
  <include location="inc.xml" onConflict="REPLACE"/>
</server>"#,
    );
    server.write(
        "inc.xml",
        r#"<server>
  <featureManager><feature>c-1.0</feature></featureManager>
  <zosconnect_authToken id="t">
    <tokenRequest credentialLocation="body"/>
  </zosconnect_authToken>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}

#[test]
fn variables_from_each_source() {
    let server = ServerDir::new();
    server.write(
        "bootstrap.properties",
        "from.bootstrap=bootstrap-value\nshadowed=bootstrap\n",
    );
    server.write(
        "server.xml",
        r#"<server>
  <variable name="from.variable" value="variable-value"/>
  <variable name="shadowed" value="variable"/>
  <variable name="from.default" defaultValue="default-value"/>
  <variable name="from.cli" value="loses-to-command-line"/>
  <variable name="nested" value="${from.variable}/${from.bootstrap}"/>
  <zosconnect_endpointConnection id="e"
      cli="${from.cli}"
      variable="${from.variable}"
      shadowed="${shadowed}"
      bootstrap="${from.bootstrap}"
      envPrefix="${env.API_HOST}"
      configDir="${server.config.dir}"
      envSanitized="${api.port}"
      default="${from.default}"
      nested="${nested}"
      arithmetic="${port.base+80}"
      undefined="${not.defined}"/>
</server>"#,
    );
    let mut command_line = BTreeMap::new();
    command_line.insert("from.cli".to_string(), "command-line-value".to_string());
    let mut environment = BTreeMap::new();
    environment.insert("API_HOST".to_string(), "127.0.0.1".to_string());
    environment.insert("API_PORT".to_string(), "9443".to_string());
    environment.insert("port_base".to_string(), "9000".to_string());
    let options = LoadOptions {
        command_line_vars: command_line,
        environment,
        ..LoadOptions::default()
    };

    insta::assert_snapshot!(snapshot_with(&server, &options));
}

#[test]
fn directory_include() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <include location="conf.d/" onConflict="REPLACE"/>
</server>"#,
    );
    server.write(
        "conf.d/20-second.xml",
        r#"<server><zosconnect_authData id="d" user="second"/></server>"#,
    );
    server.write(
        "conf.d/10-First.XML",
        r#"<server><zosconnect_authData id="d" user="first" password="p"/></server>"#,
    );
    server.write("conf.d/readme.txt", "not read");

    insta::assert_snapshot!(snapshot(&server));
}

#[test]
fn include_cycle() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <include location="a.xml"/>
  <zosconnect_authData id="main" user="m"/>
</server>"#,
    );
    server.write(
        "a.xml",
        r#"<server>
  <zosconnect_authData id="a" user="a"/>
  <include location="./b.xml"/>
</server>"#,
    );
    server.write(
        "b.xml",
        r#"<server>
  <include location="server.xml"/>
  <zosconnect_authData id="b" user="b"/>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}

#[test]
fn optional_missing_include() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        r#"<server>
  <include location="missing.xml" optional="true"/>
  <include location="missing-folder/" optional="true"/>
  <zosconnect_authData id="d" user="u"/>
</server>"#,
    );

    insta::assert_snapshot!(snapshot(&server));
}
