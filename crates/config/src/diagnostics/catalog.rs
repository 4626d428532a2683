//! The message catalog: every diagnostic id zconnect can report, in one place.
//!
//! Ids have the form `ZCNnnnnS`. Where a Liberty (`CWWKGnnnnS`) or z/OS Connect
//! (`BAQRnnnnS`) message means the same thing, the four digits are the same;
//! zconnect's own messages use 8000-8999. `docs/messages.md` is generated from
//! [`ALL`].

use super::Severity;

/// A catalog entry.
#[derive(Debug, PartialEq, Eq)]
pub struct MessageDef {
    pub id: &'static str,
    pub severity: Severity,
    /// The Liberty or z/OS Connect message with the same meaning, if any.
    pub equivalent: Option<&'static str>,
    /// One line that tells when the message is reported, for `docs/messages.md`.
    pub summary: &'static str,
}

macro_rules! catalog {
    ($($name:ident = $id:literal, $severity:ident, $equivalent:expr, $summary:literal;)*) => {
        $(
            pub static $name: MessageDef = MessageDef {
                id: $id,
                severity: Severity::$severity,
                equivalent: $equivalent,
                summary: $summary,
            };
        )*

        /// Every catalog entry, in id order of declaration.
        pub static ALL: &[&MessageDef] = &[$(&$name),*];
    };
}

catalog! {
    // Reading files: XML syntax, limits, includes, variables, merging.
    FILE_UNREADABLE = "ZCN0090E", Error, Some("CWWKG0090E"), "A configuration file or included file does not exist or cannot be read.";
    XML_SYNTAX = "ZCN0014E", Error, Some("CWWKG0014E"), "A configuration file is not well-formed XML: invalid UTF-8, an undefined entity, a bare `&`, a duplicate attribute or broken markup.";
    ROOT_NOT_SERVER = "ZCN0105E", Error, Some("CWWKG0105E"), "The root element of a configuration file is not <server>.";
    XML_DOCTYPE_REJECTED = "ZCN8003E", Error, None, "A configuration file contains a <!DOCTYPE>, which zconnect rejects so that no entity is expanded.";
    XML_ENCODING_REJECTED = "ZCN8004E", Error, None, "A configuration file is UTF-16 or declares an encoding other than UTF-8 or US-ASCII.";
    LIMIT_EXCEEDED = "ZCN8005E", Error, None, "A file size, nesting depth, include depth, file count or expanded variable size limit is exceeded.";
    INCLUDE_LOCATION_MISSING = "ZCN0089E", Error, Some("CWWKG0089E"), "An <include> element has no location attribute.";
    INCLUDE_OPTIONAL_MISSING = "ZCN0005I", Info, Some("CWWKG0005I"), "An optional include names a file that does not exist; it is skipped.";
    INCLUDE_CYCLE = "ZCN0042W", Warning, Some("CWWKG0042W"), "An include names a file already on the current include chain; it is skipped.";
    INCLUDE_ON_CONFLICT_INVALID = "ZCN0094W", Warning, Some("CWWKG0094W"), "An include's onConflict value is not MERGE, REPLACE or IGNORE; MERGE is used.";
    INCLUDE_URL_REJECTED = "ZCN8006E", Error, None, "An include names an http or https URL, which zconnect does not fetch.";
    BOOTSTRAP_INVALID = "ZCN8007E", Error, None, "A line of bootstrap.properties has an invalid escape sequence.";
    VARIABLE_NAME_MISSING = "ZCN0091E", Error, Some("CWWKG0091E"), "A <variable> element has no name attribute.";
    VARIABLE_VALUE_MISSING = "ZCN0092E", Error, Some("CWWKG0092E"), "A <variable> element has neither a value nor a defaultValue attribute.";
    UNDEFINED_VARIABLE = "ZCN8010W", Warning, None, "A ${name} reference names no variable and stays as literal text.";
    VARIABLE_CYCLE = "ZCN8011E", Error, None, "Variables refer to each other in a cycle; the reference stays as literal text.";
    VARIABLE_TOO_DEEP = "ZCN8012E", Error, None, "Variables are nested more than 10 levels deep; the reference stays as literal text.";
    VARIABLE_ARITHMETIC_FAILED = "ZCN8013W", Warning, None, "A ${a+b} expression divides by zero or overflows; it stays as literal text.";
    VARIABLE_IN_ID = "ZCN0104W", Warning, Some("CWWKG0104W"), "An id attribute contains ${; variables are never expanded in ids.";
    ATTRIBUTE_SPELLINGS = "ZCN8014W", Warning, None, "One element writes the same attribute in two spellings that differ only in case; the later wins.";
    MERGED_VALUES_DIFFER = "ZCN0102I", Info, Some("CWWKG0102I"), "Merged occurrences of one element give different values to one attribute; the last wins.";
    NESTED_SERVER_IGNORED = "ZCN0085W", Warning, Some("CWWKG0085W"), "A <server> element inside the root <server> element is ignored with everything in it.";

    // Schema: values, references, unknown names.
    INVALID_VALUE_DEFAULT_USED = "ZCN0083W", Warning, Some("CWWKG0083W"), "An attribute value is invalid and the default is used.";
    UNEXPECTED_VALUE = "ZCN0032W", Warning, Some("CWWKG0032W"), "A value is not one of the attribute's options, such as tokenRetryCheckLevel 2; the default is used.";
    INVALID_VALUE = "ZCN8101E", Error, None, "An attribute value is invalid and the attribute has no default; the element is left out.";
    MISSING_REQUIRED = "ZCN0058E", Error, Some("CWWKG0058E"), "A required attribute is missing; the element is left out.";
    UNRESOLVED_REFERENCE = "ZCN0033E", Error, Some("CWWKG0033W"), "A reference names an element that does not exist or is of the wrong kind; the element is left out.";
    DEPENDENT_INVALID = "ZCN8102W", Warning, None, "An element references an invalid element and is left out too.";
    BARE_DURATION = "ZCN8103I", Info, None, "A duration has no unit and is read in the attribute's base unit.";
    PASSWORD_ENCODING_UNSUPPORTED = "ZCN8104E", Error, None, "An element in use has an `{aes}` password, a `{hash}` one where only a decodable password works, or a broken `{xor}` or `{hash}`; the element is left out.";
    PASSWORD_ENCODING_UNUSED = "ZCN8105W", Warning, None, "An element that nothing references has an `{aes}` password, or a `{hash}` one where only a decodable password works; it is left out.";
    UNKNOWN_ELEMENT_SIMILAR = "ZCN8110W", Warning, None, "An unknown element is close to a known name or starts with `zosconnect_`; it is ignored.";
    UNKNOWN_ELEMENT = "ZCN8111I", Info, None, "An element of a feature zconnect does not know is ignored, as in Liberty.";
    RECOGNISED_ELEMENT = "ZCN8112I", Info, None, "An element of another Liberty or z/OS Connect feature is recognised but not used by zconnect.";
    UNKNOWN_ATTRIBUTE = "ZCN8113W", Warning, None, "An element zconnect uses has an attribute or nested element zconnect does not know; it is ignored.";
    RECOGNISED_ATTRIBUTE = "ZCN8114I", Info, None, "An attribute that Liberty or z/OS Connect documents is recognised but not used by zconnect.";
    SECURITY_ATTRIBUTE_IGNORED = "ZCN8115W", Warning, None, "An attribute that changes security in Liberty, such as ssl verifyHostname, is ignored by zconnect.";

    // Schema: element rules.
    TOKEN_REQUEST_BODY_MISSING = "ZCN1001E", Error, Some("BAQR1001E"), "A tokenRequest with credentialLocation body has no requestBody.";
    TOKEN_PATH_MISSING = "ZCN1002E", Error, Some("BAQR1002E"), "A tokenResponse with responseFormat JSON has no tokenPath.";
    RESPONSE_FORMAT_MISSING = "ZCN1003E", Error, Some("BAQR1003E"), "A tokenResponse with tokenLocation body has no responseFormat.";
    TOKEN_ENDPOINT_MISSING = "ZCN1004E", Error, Some("BAQR1004E"), "An authorization server has no tokenEndpoint.";
    TOKEN_HEADER_MISSING = "ZCN1005E", Error, Some("BAQR1005E"), "A tokenRequest or tokenResponse that uses a header does not name it.";
    AUTH_TOKEN_LOCAL_UNSUPPORTED = "ZCN8120W", Warning, None, "A zosconnect_authTokenLocal element is read but not supported.";
    AUTH_TOKEN_LOCAL_IN_USE = "ZCN8121E", Error, None, "An endpoint connection uses zosconnect_authTokenLocal, which zconnect does not support; the endpoint is left out.";
    AUTHORIZATION_HEADER_CONFLICT = "ZCN8122E", Error, None, "An endpoint connection has basicAuthRef and a token that both need the Authorization header; the endpoint is left out.";
    ENDPOINT_SCHEME_CHOSEN = "ZCN8123I", Info, None, "An endpoint host has no scheme; zconnect chose http or https from sslCertsRef.";
    KEY_STORE_TYPE_UNSUPPORTED = "ZCN8124E", Error, None, "A key store in use is JKS, JCEKS or another type zconnect cannot read.";
    KEY_STORE_UNREADABLE = "ZCN8135E", Error, None, "A key store in use names a file that does not exist, is not a regular file or cannot be read.";
    CLIENT_KEY_ALIAS_IGNORED = "ZCN8126I", Info, None, "clientKeyAlias names an entry of a PEM key store, which holds one key; it is ignored.";
    NO_ZOSCONNECT_FEATURE = "ZCN8127W", Warning, None, "zosconnect_* elements are configured but featureManager lists no z/OS Connect feature.";
    HTTP_ENDPOINT_UNUSED = "ZCN8128W", Warning, None, "An httpEndpoint other than defaultHttpEndpoint is configured; zconnect does not listen on it.";
    HTTPS_NOT_SERVED = "ZCN8129I", Info, None, "httpsPort is written, but zconnect does not serve HTTPS yet.";
    REQUIRE_AUTH_WITHOUT_REGISTRY = "ZCN8130W", Warning, None, "API requesters require authenticated callers but no basicRegistry is configured; zconnect returns 401 to calls.";
    REQUIRE_SECURE_NOT_MET = "ZCN8131W", Warning, None, "requireSecure is in force, but zconnect serves HTTP only; calls are accepted over HTTP.";
    REQUESTER_NAME_CONFLICT = "ZCN8132E", Error, None, "Two API requesters of different origins have the same name; the later one is left out.";
    REQUESTERS_FOLDER_MISSING = "ZCN8133I", Info, None, "The folder of API requester archives does not exist.";
    CONFIGURATION_REJECTED = "ZCN8134E", Error, None, "The configuration has errors and onError is FAIL, so none of it is applied.";

    // Archives: API requester archives (.ara) and the requesters built from them.
    ARCHIVE_FOLDER_UNREADABLE = "ZCN8600E", Error, None, "The API requester archive folder exists but cannot be listed, or is not a folder; no archive is loaded from it.";
    ARCHIVE_INVALID = "ZCN8601E", Error, None, "An API requester archive cannot be read or is invalid (not a zip, no package.xml, wrong packageType, malformed package.xml, missing or invalid API document, over a size limit); the other archives still load.";
    ARCHIVE_DUPLICATE_NAME = "ZCN8602E", Error, None, "Two archives declare the same API requester name; the later by file name is rejected.";
    REQUESTER_CONNECTION_MISSING = "ZCN8603W", Warning, None, "An API requester has no endpoint connection from its archive or server.xml; it is listed but zconnect returns 503 to its calls.";
    REQUESTER_CONNECTION_UNKNOWN = "ZCN8604E", Error, None, "The connectionRef of an API requester archive names no zosconnect_endpointConnection; the requester is listed but zconnect returns 503 to its calls.";
    OPERATION_NOT_DEFINED = "ZCN1132E", Error, Some("BAQR1132E"), "A call's method and path match no operation of the API requester's archive; zconnect returns 404.";

    // API requester calls: failures returned to the caller and decisions logged.
    CALL_UNKNOWN_REQUESTER = "ZCN8501E", Error, None, "A call names an API requester that does not exist; zconnect returns 404.";
    CALL_DOT_SEGMENT = "ZCN8502E", Error, None, "A call's operation path has a '.' or '..' segment, plain or as %2e; zconnect returns 400.";
    CALL_CREDENTIAL_HEADER_INVALID = "ZCN8503E", Error, None, "A BAQHAPI-* credential header of a call is repeated, not UTF-8 or not in name=value,... form; zconnect returns 400.";
    CALL_CREDENTIALS_MISSING = "ZCN8504E", Error, None, "A call lacks credentials its grant needs (username, password or client id); zconnect returns 400.";
    CALL_BODY_TOO_LARGE = "ZCN8505E", Error, None, "A call's request body is over --max-request-body; zconnect returns 413.";
    CALL_NOT_AUTHENTICATED = "ZCN8506E", Error, None, "A caller sent no valid credentials for zconnect; zconnect returns 401.";
    CALL_NOT_AUTHORIZED = "ZCN8507E", Error, None, "A caller is not in a group allowed to call the API requester; zconnect returns 403.";
    CALL_REQUESTER_UNAVAILABLE = "ZCN8508E", Error, None, "The API requester is stopped, has no endpoint connection or an invalid configuration; zconnect returns 503.";
    CALL_TOKEN_REQUEST_FAILED = "ZCN8510E", Error, None, "A token request failed (connection, TLS, an error answer or an unreadable answer); zconnect returns 502.";
    CALL_TOKEN_REQUEST_TIMED_OUT = "ZCN8511E", Error, None, "The authorization server did not answer a token request within its timeouts; zconnect returns 504.";
    CALL_TOKEN_REQUEST_PAUSED = "ZCN8512E", Error, None, "A token request for the same credentials failed recently and its pause has not ended; zconnect returns 502.";
    CALL_ENDPOINT_UNREACHABLE = "ZCN8520E", Error, None, "The endpoint refused the connection, was not resolved, failed TLS or closed the connection; zconnect returns 502.";
    CALL_ENDPOINT_CONNECT_TIMED_OUT = "ZCN8521E", Error, None, "No connection to the endpoint within connectionTimeout; zconnect returns 504 with return code 2.";
    CALL_ENDPOINT_RECEIVE_TIMED_OUT = "ZCN8522E", Error, None, "The endpoint sent no response headers within receiveTimeout; zconnect returns 504 with return code 4.";
    CALL_RESPONSE_BODY_STALLED = "ZCN8523W", Warning, None, "The endpoint paused a response body longer than receiveTimeout; the body was cut off.";
    CALL_RETRIED = "ZCN8530I", Info, None, "The endpoint returned 401 and tokenRetryCheckLevel allows a retry; the call is sent once more with a newer token.";
    CALL_NOT_RETRIED = "ZCN8531I", Info, None, "The endpoint returned 401 and the call is not retried (level 3 without a Bearer invalid_token challenge, tokenReplaceInterval, or a streamed body).";
    CALL_AUTH_TOKEN_DROPPED = "ZCN8532I", Info, None, "The endpoint returned 401 to a zosconnect_authToken token; the cached token is dropped and the 401 goes back.";
    CALL_INTERNAL_ERROR = "ZCN7033E", Error, Some("BAQR7033E"), "An API requester call failed inside zconnect; zconnect returns 500.";

    // Server: reloads, listeners, the admin REST API and archive deployment.
    RELOAD_STARTED = "ZCN0016I", Info, Some("CWWKG0016I"), "A configuration reload starts, after a file change, a refresh request or a change in the archive folder.";
    RELOAD_APPLIED = "ZCN0017I", Info, Some("CWWKG0017I"), "A configuration reload was applied; the line lists the elements added, removed and changed.";
    RELOAD_UNCHANGED = "ZCN0018I", Info, Some("CWWKG0018I"), "A reload found every file and archive unchanged; nothing was replaced.";
    RELOAD_REJECTED = "ZCN8701E", Error, None, "A reload was rejected (a file that cannot be read or is not well-formed, or an error under onError=FAIL); the running configuration stays.";
    RELOAD_PARTIAL = "ZCN8702W", Warning, None, "A reload was applied but the listener could not move to the new host or port; the old listener stays.";
    RELOAD_ELEMENT_KEPT = "ZCN8703W", Warning, None, "An element that became invalid in the changed files keeps its previous valid version.";
    WATCHER_FAILED = "ZCN8704E", Error, None, "The file watcher failed or cannot be created; changes are found by polling.";
    SERVER_LISTENING = "ZCN8705I", Info, None, "The server listens on an address.";
    SERVER_BIND_FAILED = "ZCN8706E", Error, None, "A listener cannot be opened on the configured host and port.";
    SERVER_STOPPED = "ZCN8707I", Info, None, "The server stopped.";
    SERVER_STARTED = "ZCN8708I", Info, None, "The server started with a configuration.";
    ADMIN_UNKNOWN_REQUESTER = "ZCN8710E", Error, None, "An admin API request names an API requester that does not exist; zconnect returns 404.";
    ADMIN_STATUS_CHANGED = "ZCN8711I", Info, None, "An API requester was started or stopped through the admin API.";
    ADMIN_NOT_AUTHENTICATED = "ZCN8714E", Error, None, "An admin API request has no credentials or wrong ones; zconnect returns 401.";
    ADMIN_NOT_AUTHORIZED = "ZCN8715E", Error, None, "An admin API caller holds no role that allows the request; zconnect returns 403.";
    ADMIN_NO_REGISTRY = "ZCN8716E", Error, None, "The admin API needs a user registry and none is configured; zconnect returns 403 to requests.";
    ADMIN_UNKNOWN_PATH = "ZCN8720E", Error, None, "A request path matches no route; zconnect returns 404.";
    ADMIN_METHOD_NOT_ALLOWED = "ZCN8721E", Error, None, "A route exists but not with the request's method; zconnect returns 405.";
    ADMIN_BAD_REQUEST = "ZCN8722E", Error, None, "An admin API request has an invalid or missing query parameter; zconnect returns 400.";
    ADMIN_RELOAD_DISABLED = "ZCN8723E", Error, None, "A refresh request arrived while updateTrigger is disabled or the server is stopping.";
    ARCHIVE_DEPLOYED = "ZCN8725I", Info, None, "An API requester archive was deployed through the admin API.";
    ARCHIVE_UPDATED = "ZCN8726I", Info, None, "An API requester archive was replaced through the admin API.";
    ARCHIVE_DELETED = "ZCN8727I", Info, None, "An API requester and its archive file were deleted through the admin API.";
    ARCHIVES_CHANGED = "ZCN8728I", Info, None, "Archives were added, replaced or removed in the archive folder; the API requesters were rebuilt.";
    ADMIN_REQUESTER_EXISTS = "ZCN8730E", Error, None, "An archive upload names an API requester or archive file that already exists; zconnect returns 409.";
    ADMIN_REQUESTER_STARTED = "ZCN8731E", Error, None, "An archive update or delete names a started API requester; zconnect returns 409.";
    ADMIN_REQUESTER_NOT_ARCHIVE = "ZCN8732E", Error, None, "An archive update or delete names an API requester defined in server.xml; zconnect returns 409.";
    ADMIN_ARCHIVE_MEDIA_TYPE = "ZCN8733E", Error, None, "An archive upload is not sent as application/zip; zconnect returns 415.";
    ADMIN_ARCHIVE_INVALID = "ZCN8734E", Error, None, "An uploaded archive is invalid or names another API requester; zconnect returns 400.";
    ADMIN_ARCHIVE_TOO_LARGE = "ZCN8735E", Error, None, "An uploaded archive is larger than --max-archive-size; zconnect returns 413.";
    ADMIN_ARCHIVE_WRITE_FAILED = "ZCN8736E", Error, None, "An uploaded archive cannot be written to the archive folder, or a file cannot be removed; zconnect returns 500.";
}
