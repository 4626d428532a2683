//! Builds API requester archives (`.ara`) in memory for the end-to-end
//! tests: a zip with a package.xml in the form the z/OS Connect build toolkit
//! writes, a Swagger 2.0 API document with a base path, and a mapping file
//! that zconnect ignores.

#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// What an archive declares.
#[derive(Debug, Clone)]
pub struct Ara {
    pub name: String,
    pub version: String,
    pub description: String,
    pub connection_ref: Option<String>,
    /// `basePath` of the API document.
    pub base_path: String,
    /// `(method, relativePath)` pairs, one `<method>` each.
    pub operations: Vec<(String, String)>,
}

impl Ara {
    /// An archive `name` for connection `connection` with base path `/v1` and
    /// the operations `GET /pets`, `GET /pets/{petId}`, `GET /pets/mine` and
    /// `POST /pets`.
    pub fn new(name: &str, connection: &str) -> Ara {
        Ara {
            name: name.to_owned(),
            version: "1.0.0".to_owned(),
            description: "Pets for sale".to_owned(),
            connection_ref: Some(connection.to_owned()),
            base_path: "/v1".to_owned(),
            operations: vec![
                ("GET".to_owned(), "/pets".to_owned()),
                ("POST".to_owned(), "/pets".to_owned()),
                ("GET".to_owned(), "/pets/{petId}".to_owned()),
                ("GET".to_owned(), "/pets/mine".to_owned()),
            ],
        }
    }

    pub fn version(mut self, version: &str) -> Ara {
        self.version = version.to_owned();
        self
    }

    pub fn base_path(mut self, base_path: &str) -> Ara {
        self.base_path = base_path.to_owned();
        self
    }

    pub fn without_connection(mut self) -> Ara {
        self.connection_ref = None;
        self
    }

    pub fn operation(mut self, method: &str, path: &str) -> Ara {
        self.operations.push((method.to_owned(), path.to_owned()));
        self
    }

    /// The zip bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let package = self.package_xml();
        let api_doc = self.api_doc();
        zip_of(&[
            ("package.xml", package.as_bytes()),
            ("api-docs/pets.json", api_doc.as_bytes()),
            ("api/pets/GET/mapping.xml", b"<mapping/>"),
        ])
    }

    fn package_xml(&self) -> String {
        let mut paths: Vec<(String, Vec<String>)> = Vec::new();
        for (method, path) in &self.operations {
            match paths.iter_mut().find(|(existing, _)| existing == path) {
                Some((_, methods)) => methods.push(method.clone()),
                None => paths.push((path.clone(), vec![method.clone()])),
            }
        }
        let paths: String = paths
            .iter()
            .map(|(path, methods)| {
                let methods: String = methods
                    .iter()
                    .map(|method| {
                        format!(
                            "\n            <method type=\"{method}\" operationId=\"op{}\" httpXformFile=\"api/pets/{method}/mapping.xml\"/>",
                            method.to_lowercase()
                        )
                    })
                    .collect();
                format!("\n        <path relativePath=\"{path}\">{methods}\n        </path>")
            })
            .collect();
        let connection = self
            .connection_ref
            .as_ref()
            .map(|id| format!(" connectionRef=\"{id}\""))
            .unwrap_or_default();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<zosConnectApi xmlns="http://www.ibm.com/zosConnect/2.0/zosConnectApi" id="{name}" packageType="requester">
    <apiSpec title="Pets" description="{description}" version="{version}"{connection}>{paths}
        <apiDoc docType="SWAGGER">api-docs/pets.json</apiDoc>
    </apiSpec>
</zosConnectApi>
"#,
            name = self.name,
            description = self.description,
            version = self.version,
        )
    }

    fn api_doc(&self) -> String {
        serde_json::json!({
            "swagger": "2.0",
            "info": {"title": "Pets", "version": self.version},
            "host": "127.0.0.1",
            "basePath": self.base_path,
            "paths": {},
        })
        .to_string()
    }
}

/// Zips `(name, content)` entries with deflate.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(*name, options).expect("start zip entry");
        writer.write_all(content).expect("write zip entry");
    }
    writer.finish().expect("finish zip").into_inner()
}
