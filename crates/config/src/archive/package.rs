//! Parses an archive's `package.xml`: the requester id, package type, API
//! description, operations and the name of the API document.
//!
//! The file looks like this (built by the z/OS Connect build toolkit):
//!
//! ```xml
//! <zosConnectApi xmlns="http://www.ibm.com/zosConnect/2.0/zosConnectApi"
//!                id="Sample-Node.js-Claims-Rule-API_1.0" packageType="requester">
//!   <apiSpec title="..." description="..." version="1.0" connectionRef="nodejsClaims">
//!     <path relativePath="/claim/rule">
//!       <method type="GET" operationId="getClaimRule" httpXformFile="..."/>
//!     </path>
//!     <apiDoc docType="SWAGGER">api-docs/claims.json</apiDoc>
//!   </apiSpec>
//! </zosConnectApi>
//! ```
//!
//! Elements and attributes that zconnect does not use (mapping files,
//! `httpXformFile`) are skipped, and elements are matched by local name so a
//! namespace prefix does not matter.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::operations::Operation;
use super::{ArchiveError, TextPosition};

/// The declarations of package.xml, before the package type is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct PackageXml {
    pub(super) id: Option<String>,
    pub(super) package_type: Option<String>,
    pub(super) has_api_spec: bool,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) version: Option<String>,
    pub(super) connection_ref: Option<String>,
    pub(super) operations: Vec<Operation>,
    pub(super) api_doc: Option<ApiDocEntry>,
}

/// The `apiDoc` element: the document type as written and the entry name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApiDocEntry {
    pub(super) doc_type: Option<String>,
    pub(super) entry: String,
}

/// Parses package.xml. Errors are [`ArchiveError::PackageXmlMalformed`] with
/// the line and column where quick-xml or a check found the problem.
pub(super) fn parse(bytes: &[u8], archive: &str) -> Result<PackageXml, ArchiveError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let offset = error.valid_up_to();
        malformed(
            archive,
            Some(position_of(bytes_prefix_text(bytes, offset), offset)),
            format!("invalid UTF-8 at byte {offset}"),
        )
    })?;

    Parser {
        reader: Reader::from_str(text),
        text,
        archive,
        package: PackageXml::default(),
        stack: Vec::new(),
        api_doc_text: None,
        current_path: None,
    }
    .run()
}

/// The state of one pass over package.xml.
struct Parser<'t> {
    reader: Reader<&'t [u8]>,
    text: &'t str,
    archive: &'t str,
    package: PackageXml,
    /// Local names of the open elements, outermost first.
    stack: Vec<String>,
    /// Text of the open `apiDoc` element and its `docType`.
    api_doc_text: Option<(Option<String>, String)>,
    /// `relativePath` of the open `path` element.
    current_path: Option<String>,
}

impl Parser<'_> {
    fn run(mut self) -> Result<PackageXml, ArchiveError> {
        let mut seen_root = false;

        loop {
            let start = offset(self.reader.buffer_position());
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    let at = offset(self.reader.error_position());
                    return Err(self.error_at(at, error.to_string()));
                }
            };

            match event {
                Event::Start(element) => {
                    seen_root = self.check_root(&element, start, seen_root)?;
                    self.open(&element, start)?;
                    self.stack.push(local_name(&element));
                }
                Event::Empty(element) => {
                    seen_root = self.check_root(&element, start, seen_root)?;
                    self.open(&element, start)?;
                    self.close(&local_name(&element), start)?;
                }
                Event::End(_) => {
                    let name = self.stack.pop().unwrap_or_default();
                    self.close(&name, start)?;
                }
                Event::Text(text) => {
                    let decoded = text
                        .unescape()
                        .map_err(|error| self.error_at(start, error.to_string()))?;
                    self.push_api_doc_text(&decoded);
                }
                Event::CData(data) => {
                    self.push_api_doc_text(&String::from_utf8_lossy(&data));
                }
                Event::DocType(_) => {
                    return Err(
                        self.error_at(start, "a <!DOCTYPE> declaration is not allowed".to_owned())
                    );
                }
                Event::Eof => {
                    if let Some(open) = self.stack.last() {
                        let at = self.text.len();
                        return Err(
                            self.error_at(at, format!("the element <{open}> is not closed"))
                        );
                    }
                    break;
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }

        if !seen_root {
            return Err(malformed(
                self.archive,
                None,
                "the file has no root element".to_owned(),
            ));
        }
        Ok(self.package)
    }

    /// Checks that the first element is `zosConnectApi` and that there is only
    /// one root element. Returns true once the root has been seen.
    fn check_root(
        &self,
        element: &BytesStart<'_>,
        start: usize,
        seen_root: bool,
    ) -> Result<bool, ArchiveError> {
        if !self.stack.is_empty() {
            return Ok(true);
        }
        if seen_root {
            return Err(self.error_at(start, "the file has more than one root element".to_owned()));
        }

        let name = local_name(element);
        if name != "zosConnectApi" {
            return Err(self.error_at(
                start,
                format!("the root element is <{name}>, expected <zosConnectApi>"),
            ));
        }
        Ok(true)
    }

    /// Handles a start tag, whose parent elements are on the stack.
    fn open(&mut self, element: &BytesStart<'_>, start: usize) -> Result<(), ArchiveError> {
        let name = local_name(element);
        let parent = self.stack.last().map(String::as_str);
        let attributes = self.attributes(element, start)?;
        let take = |key: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        };

        match (parent, name.as_str()) {
            (None, "zosConnectApi") => {
                self.package.id = take("id");
                self.package.package_type = take("packageType");
            }
            (Some("zosConnectApi"), "apiSpec") => {
                self.package.has_api_spec = true;
                self.package.title = take("title");
                self.package.description = take("description");
                self.package.version = take("version");
                self.package.connection_ref = take("connectionRef");
            }
            (Some("apiSpec"), "path") => {
                let Some(relative_path) = take("relativePath") else {
                    return Err(self.error_at(
                        start,
                        "a <path> element has no relativePath attribute".to_owned(),
                    ));
                };
                self.current_path = Some(relative_path);
            }
            (Some("path"), "method") => {
                let Some(method) = take("type").filter(|method| is_http_token(method)) else {
                    return Err(self.error_at(
                        start,
                        "a <method> element has no valid HTTP method in its type attribute"
                            .to_owned(),
                    ));
                };
                let relative_path = self.current_path.clone().unwrap_or_default();
                let operation = Operation::new(&method, &relative_path, take("operationId"))
                    .map_err(|reason| self.error_at(start, reason))?;
                self.package.operations.push(operation);
            }
            (Some("apiSpec"), "apiDoc") => {
                if self.package.api_doc.is_some() {
                    return Err(self.error_at(
                        start,
                        "apiSpec has more than one <apiDoc> element".to_owned(),
                    ));
                }
                self.api_doc_text = Some((take("docType"), String::new()));
            }
            _ => {}
        }
        Ok(())
    }

    /// Handles an end tag (or the end of an empty element).
    fn close(&mut self, name: &str, start: usize) -> Result<(), ArchiveError> {
        match name {
            "path" => {
                self.current_path = None;
            }
            "apiDoc" => {
                if let Some((doc_type, text)) = self.api_doc_text.take() {
                    let entry = text.trim().to_owned();
                    if entry.is_empty() {
                        return Err(self.error_at(
                            start,
                            "the <apiDoc> element names no API document".to_owned(),
                        ));
                    }
                    self.package.api_doc = Some(ApiDocEntry { doc_type, entry });
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Appends text to the open `apiDoc` element; text elsewhere is ignored.
    fn push_api_doc_text(&mut self, text: &str) {
        if let Some((_, content)) = &mut self.api_doc_text {
            content.push_str(text);
        }
    }

    /// Decodes the attributes of a start tag as (local name, value) pairs.
    fn attributes(
        &self,
        element: &BytesStart<'_>,
        start: usize,
    ) -> Result<Vec<(String, String)>, ArchiveError> {
        let mut decoded = Vec::new();
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|error| self.error_at(start, error.to_string()))?;
            let name = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
            let value = attribute
                .unescape_value()
                .map_err(|error| self.error_at(start, format!("attribute {name}: {error}")))?;
            decoded.push((name, value.into_owned()));
        }
        Ok(decoded)
    }

    fn error_at(&self, offset: usize, reason: String) -> ArchiveError {
        malformed(self.archive, Some(position_of(self.text, offset)), reason)
    }
}

fn malformed(archive: &str, position: Option<TextPosition>, reason: String) -> ArchiveError {
    ArchiveError::PackageXmlMalformed {
        archive: archive.to_owned(),
        position,
        reason,
    }
}

fn local_name(element: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(element.local_name().as_ref()).into_owned()
}

/// True for an HTTP method token (RFC 9110 `token`), such as `GET`.
fn is_http_token(method: &str) -> bool {
    !method.is_empty()
        && method
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// Returns the valid UTF-8 text before `offset`, for positioning an encoding error.
fn bytes_prefix_text(bytes: &[u8], offset: usize) -> &str {
    bytes
        .get(..offset)
        .and_then(|prefix| std::str::from_utf8(prefix).ok())
        .unwrap_or_default()
}

/// Computes the 1-based line and character column of a byte offset in `text`.
fn position_of(text: &str, offset: usize) -> TextPosition {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];

    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;

    TextPosition {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}
