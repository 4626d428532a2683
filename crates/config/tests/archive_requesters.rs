//! Combining archives with the requesters declared in server.xml.

mod archive_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use archive_support::Package;
use zconnect_config::archive::{
    merge_requesters, read_archive, Archive, OperationMatch, RequesterOrigin, RequesterSettings,
};
use zconnect_config::diagnostics::catalog;
use zconnect_config::model::{
    ApiRequester, EndpointConnection, IdAssertion, RequesterSource, RequesterStatus, Scheme,
};
use zconnect_config::{load, Config, LoadOptions, Location, Severity};

fn location(line: u32) -> Location {
    Location {
        file: PathBuf::from("/srv/server.xml"),
        line,
        column: 5,
    }
}

fn connection(id: &str) -> EndpointConnection {
    EndpointConnection {
        id: id.to_owned(),
        scheme: Scheme::Http,
        host: "127.0.0.1".to_owned(),
        port: 9,
        domain_base_path: String::new(),
        basic_auth: None,
        authentication: None,
        ssl: None,
        connection_timeout: Duration::from_secs(30),
        receive_timeout: Duration::from_secs(60),
    }
}

fn declared(
    name: &str,
    connection: Option<&str>,
    source: RequesterSource,
    line: u32,
) -> ApiRequester {
    ApiRequester {
        name: name.to_owned(),
        connection: connection.map(str::to_owned),
        require_auth: false,
        require_secure: false,
        id_assertion: IdAssertion::AssertOnly,
        admin_groups: vec!["admins".to_owned()],
        operations_groups: Vec::new(),
        reader_groups: Vec::new(),
        invoke_groups: vec!["callers".to_owned()],
        status: RequesterStatus::Stopped,
        source,
        location: location(line),
    }
}

fn config_with(connections: &[&str], requesters: Vec<ApiRequester>) -> Config {
    let mut config = Config::default();
    for id in connections {
        config
            .endpoint_connections
            .insert((*id).to_owned(), connection(id));
    }
    config.api_requesters.requesters = requesters;
    config
}

fn archive(package: Package, file: &str) -> Archive {
    read_archive(&package.archive(), Path::new(file)).expect("archive reads")
}

fn defaults() -> RequesterSettings {
    RequesterSettings::from_defaults(&Config::default().api_requesters.defaults)
}

#[test]
fn archive_alone_gets_defaults_and_its_connection() {
    let archives = [archive(Package::default(), "/srv/petstore.ara")];
    let config = config_with(&["petstoreConn"], Vec::new());

    let set = merge_requesters(&archives, &config);

    assert!(set.diagnostics.is_empty(), "{:?}", set.diagnostics);
    let requester = set.get("petstore_1.0.0").expect("listed");
    assert_eq!(requester.connection.as_deref(), Some("petstoreConn"));
    assert_eq!(requester.version.as_deref(), Some("1.0.0"));
    assert_eq!(requester.description.as_deref(), Some("Pets for sale"));
    assert_eq!(requester.base_path, "/api/v1");
    assert_eq!(requester.settings, defaults());
    assert!(matches!(
        &requester.origin,
        RequesterOrigin::Archive { overridden_at: None, path, .. } if path == Path::new("/srv/petstore.ara")
    ));
}

#[test]
fn api_requester_element_overrides_archive_settings() {
    let archives = [archive(Package::default(), "/srv/petstore.ara")];
    let element = declared("petstore_1.0.0", None, RequesterSource::ServerXml, 12);
    let config = config_with(&["petstoreConn"], vec![element.clone()]);

    let set = merge_requesters(&archives, &config);

    assert_eq!(set.requesters.len(), 1);
    let requester = &set.requesters[0];
    assert_eq!(requester.settings, RequesterSettings::of(&element));
    assert_eq!(requester.settings.id_assertion, IdAssertion::AssertOnly);
    assert!(!requester.settings.require_auth);
    assert_eq!(
        requester.connection.as_deref(),
        Some("petstoreConn"),
        "the archive's connection stays"
    );
    assert!(matches!(
        &requester.origin,
        RequesterOrigin::Archive { overridden_at: Some(at), .. } if at.line == 12
    ));
}

#[test]
fn api_requester_connection_ref_wins_over_archive() {
    let archives = [archive(Package::default(), "/srv/petstore.ara")];
    let element = declared(
        "petstore_1.0.0",
        Some("testConn"),
        RequesterSource::ServerXml,
        12,
    );
    let config = config_with(&["petstoreConn", "testConn"], vec![element]);

    let set = merge_requesters(&archives, &config);

    assert_eq!(set.requesters[0].connection.as_deref(), Some("testConn"));
}

#[test]
fn server_xml_requester_without_archive_is_unrestricted() {
    let element = declared("inline", Some("testConn"), RequesterSource::ServerXml, 20);
    let config = config_with(&["testConn"], vec![element]);

    let set = merge_requesters(&[], &config);

    let requester = set.get("inline").expect("listed");
    assert_eq!(requester.operations, None);
    assert_eq!(requester.base_path, "");
    assert_eq!(
        requester.match_operation("PATCH", "/any/path"),
        OperationMatch::Unrestricted
    );
    assert!(matches!(
        requester.origin,
        RequesterOrigin::ServerXml { .. }
    ));
}

#[test]
fn archive_requester_restricts_operations() {
    let archives = [archive(Package::default(), "/srv/petstore.ara")];
    let config = config_with(&["petstoreConn"], Vec::new());

    let set = merge_requesters(&archives, &config);
    let requester = set.get("petstore_1.0.0").expect("listed");

    assert!(matches!(
        requester.match_operation("get", "/pets/5"),
        OperationMatch::Operation(operation) if operation.relative_path == "/pets/{petId}"
    ));
    assert_eq!(
        requester.match_operation("PUT", "/pets/5"),
        OperationMatch::NotDefined
    );
    let message = requester.operation_not_defined_message("PUT", "/pets/5");
    assert!(message.contains("PUT /pets/5"), "{message}");
    assert!(message.contains("petstore_1.0.0"), "{message}");
}

#[test]
fn archive_web_application_name_conflict() {
    let archives = [archive(Package::default(), "/srv/petstore.ara")];
    let element = declared(
        "petstore_1.0.0",
        Some("petstoreConn"),
        RequesterSource::WebApplication,
        30,
    );
    let config = config_with(&["petstoreConn"], vec![element]);

    let set = merge_requesters(&archives, &config);

    assert_eq!(set.requesters.len(), 1);
    assert!(matches!(
        set.requesters[0].origin,
        RequesterOrigin::WebApplication { .. }
    ));
    assert_eq!(set.diagnostics.len(), 1, "{:?}", set.diagnostics);
    let diagnostic = &set.diagnostics[0];
    assert_eq!(diagnostic.id(), catalog::REQUESTER_NAME_CONFLICT.id);
    assert!(
        diagnostic.message.contains("/srv/petstore.ara"),
        "{}",
        diagnostic.message
    );
    assert!(
        diagnostic.message.contains("/srv/server.xml:30:5"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn requester_without_connection_is_listed_with_warning() {
    let package = Package {
        connection_ref: None,
        ..Package::default()
    };
    let archives = [archive(package, "/srv/petstore.ara")];
    let config = config_with(&[], Vec::new());

    let set = merge_requesters(&archives, &config);

    assert_eq!(set.requesters.len(), 1);
    assert_eq!(set.requesters[0].connection, None);
    assert_eq!(set.diagnostics.len(), 1, "{:?}", set.diagnostics);
    let diagnostic = &set.diagnostics[0];
    assert_eq!(diagnostic.id(), catalog::REQUESTER_CONNECTION_MISSING.id);
    assert_eq!(diagnostic.severity(), Severity::Warning);
    assert!(
        diagnostic.message.contains("petstore_1.0.0"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn declared_requester_without_connection_warns() {
    let element = declared("inline", None, RequesterSource::ServerXml, 44);
    let config = config_with(&[], vec![element]);

    let set = merge_requesters(&[], &config);

    assert_eq!(set.diagnostics.len(), 1, "{:?}", set.diagnostics);
    assert_eq!(
        set.diagnostics[0].id(),
        catalog::REQUESTER_CONNECTION_MISSING.id
    );
    assert_eq!(
        set.diagnostics[0].location.as_ref().map(|at| at.line),
        Some(44)
    );
}

#[test]
fn archive_connection_ref_to_unknown_connection_is_error() {
    let archives = [archive(Package::default(), "/srv/petstore.ara")];
    let config = config_with(&["otherConn"], Vec::new());

    let set = merge_requesters(&archives, &config);

    assert_eq!(set.requesters[0].connection, None);
    let ids: Vec<&str> = set
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.id())
        .collect();
    assert_eq!(
        ids,
        [
            catalog::REQUESTER_CONNECTION_UNKNOWN.id,
            catalog::REQUESTER_CONNECTION_MISSING.id
        ]
    );
    assert!(
        set.diagnostics[0].message.contains("\"petstoreConn\""),
        "{}",
        set.diagnostics[0].message
    );
}

#[test]
fn requesters_are_ordered_by_name() {
    let archives = [
        archive(
            Package {
                id: "zeta",
                ..Package::default()
            },
            "/srv/z.ara",
        ),
        archive(
            Package {
                id: "alpha",
                ..Package::default()
            },
            "/srv/a.ara",
        ),
    ];
    let element = declared(
        "middle",
        Some("petstoreConn"),
        RequesterSource::ServerXml,
        3,
    );
    let config = config_with(&["petstoreConn"], vec![element]);

    let set = merge_requesters(&archives, &config);

    let names: Vec<&str> = set
        .requesters
        .iter()
        .map(|requester| requester.name.as_str())
        .collect();
    assert_eq!(names, ["alpha", "middle", "zeta"]);
    assert!(set.get("middle").is_some());
    assert!(set.get("missing").is_none());
}

#[test]
fn archive_alone_gets_container_settings() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let server_xml = r#"<server>
    <zosconnect_zosConnectManager requireAuth="true" requireSecure="true"
        globalAdminGroup="managerAdmins" globalInvokeGroup="managerCallers"/>
    <zosconnect_apiRequesters requireAuth="false" requireSecure="false"
        idAssertion="ASSERT_SURROGATE" invokeGroup="containerCallers"/>
    <zosconnect_endpointConnection id="petstoreConn" host="http://127.0.0.1" port="9"/>
</server>
"#;
    std::fs::write(dir.path().join("server.xml"), server_xml).expect("write server.xml");
    let loaded = load(dir.path(), &LoadOptions::default()).expect("the configuration loads");
    let archives = [archive(Package::default(), "/srv/petstore.ara")];

    let set = merge_requesters(&archives, &loaded.config);

    let settings = &set.get("petstore_1.0.0").expect("listed").settings;
    assert!(!settings.require_auth, "requireAuth of the container");
    assert!(!settings.require_secure, "requireSecure of the container");
    assert_eq!(settings.id_assertion, IdAssertion::AssertSurrogate);
    assert_eq!(settings.invoke_groups, ["containerCallers"]);
    assert_eq!(settings.admin_groups, ["managerAdmins"], "from the manager");
    assert_eq!(settings.status, RequesterStatus::Started);
}

#[test]
fn archive_alone_gets_manager_settings_without_container() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let server_xml = r#"<server>
    <zosconnect_zosConnectManager requireAuth="false" requireSecure="false"
        globalInvokeGroup="managerCallers"/>
    <zosconnect_endpointConnection id="petstoreConn" host="http://127.0.0.1" port="9"/>
</server>
"#;
    std::fs::write(dir.path().join("server.xml"), server_xml).expect("write server.xml");
    let loaded = load(dir.path(), &LoadOptions::default()).expect("the configuration loads");
    let archives = [archive(Package::default(), "/srv/petstore.ara")];

    let set = merge_requesters(&archives, &loaded.config);

    let settings = &set.get("petstore_1.0.0").expect("listed").settings;
    assert!(!settings.require_auth);
    assert!(!settings.require_secure);
    assert_eq!(settings.id_assertion, IdAssertion::Off);
    assert_eq!(settings.invoke_groups, ["managerCallers"]);
}
