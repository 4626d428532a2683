//! Builders for API requester archives in tests: zip files made in memory with
//! the zip crate, a package.xml in the form the z/OS Connect build toolkit
//! writes, and small Swagger 2.0 and OpenAPI 3 documents.

#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::PathBuf;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

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

/// One `<path>` of package.xml with its methods.
pub struct PathSpec {
    pub relative_path: &'static str,
    pub methods: &'static [&'static str],
}

/// The settings of a package.xml that tests vary.
pub struct Package {
    pub id: &'static str,
    pub package_type: &'static str,
    pub version: &'static str,
    pub connection_ref: Option<&'static str>,
    pub paths: Vec<PathSpec>,
    pub api_doc: &'static str,
}

impl Default for Package {
    fn default() -> Self {
        Package {
            id: "petstore_1.0.0",
            package_type: "requester",
            version: "1.0.0",
            connection_ref: Some("petstoreConn"),
            paths: vec![
                PathSpec {
                    relative_path: "/pets",
                    methods: &["GET", "POST"],
                },
                PathSpec {
                    relative_path: "/pets/{petId}",
                    methods: &["GET", "DELETE"],
                },
            ],
            api_doc: "api-docs/petstore.json",
        }
    }
}

impl Package {
    /// package.xml text for this package.
    pub fn xml(&self) -> String {
        let connection = self
            .connection_ref
            .map(|id| format!(" connectionRef=\"{id}\""))
            .unwrap_or_default();

        let mut paths = String::new();
        for path in &self.paths {
            paths.push_str(&format!(
                "    <path relativePath=\"{}\">\n",
                path.relative_path
            ));
            for method in path.methods {
                paths.push_str(&format!(
                    "      <method type=\"{method}\" operationId=\"{}{}\" httpXformFile=\"api/x/{method}/mapping.xml\"/>\n",
                    method.to_lowercase(),
                    path.relative_path.replace(['/', '{', '}'], "_")
                ));
            }
            paths.push_str("    </path>\n");
        }

        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<zosConnectApi xmlns="http://www.ibm.com/zosConnect/2.0/zosConnectApi" id="{id}" packageType="{package_type}">
  <apiSpec title="Pet store" description="Pets for sale" version="{version}"{connection}>
{paths}    <apiDoc docType="SWAGGER">{api_doc}</apiDoc>
  </apiSpec>
</zosConnectApi>
"#,
            id = self.id,
            package_type = self.package_type,
            version = self.version,
            api_doc = self.api_doc,
        )
    }

    /// An archive with this package.xml and `document` as its API document.
    pub fn archive_with(&self, document: &str) -> Vec<u8> {
        let xml = self.xml();
        zip_of(&[
            ("package.xml", xml.as_bytes()),
            (self.api_doc, document.as_bytes()),
            ("api/x/GET/mapping.xml", b"<mapping/>"),
        ])
    }

    /// An archive with this package.xml and a Swagger 2.0 document whose
    /// basePath is `/api/v1`.
    pub fn archive(&self) -> Vec<u8> {
        self.archive_with(&swagger_document(Some("/api/v1")))
    }
}

/// A Swagger 2.0 document with an optional `basePath`.
pub fn swagger_document(base_path: Option<&str>) -> String {
    let base_path = base_path
        .map(|path| format!(r#""basePath": "{path}","#))
        .unwrap_or_default();
    format!(
        r#"{{
  "swagger": "2.0",
  "info": {{ "title": "Pet store API", "version": "1.0.0" }},
  "host": "127.0.0.1:9",
  {base_path}
  "paths": {{}}
}}"#
    )
}

/// An OpenAPI 3 document whose `servers` array is `servers` (JSON text).
pub fn openapi_document(servers: &str) -> String {
    format!(
        r#"{{
  "openapi": "3.0.3",
  "info": {{ "title": "Pet store API", "version": "2.1.0" }},
  "servers": {servers},
  "paths": {{}}
}}"#
    )
}

/// The name tests give archives read from memory.
pub fn upload_name() -> PathBuf {
    PathBuf::from("upload.ara")
}
