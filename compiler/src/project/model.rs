//! The declarations of an APIOps project: APIs, operations, products, backends, named values, fragments.

use crate::SourceFile;
use gatehouse_grammar::syntax::Parsed;
use gatehouse_grammar::Span;
use std::sync::Arc;

/// A whole gateway project as declared in an APIOps folder (or assembled from loose files).
#[derive(Debug, Default)]
pub struct Project {
    /// The global (service-scope) `policy.xml`.
    pub global: Option<PolicyDoc>,
    /// APIs, each with its operations and policies.
    pub apis: Vec<Api>,
    /// Products and the APIs they include.
    pub products: Vec<Product>,
    /// Backend entities, single and pool.
    pub backends: Vec<Backend>,
    /// Named values by display name.
    pub named_values: Vec<NamedValue>,
    /// Policy fragments.
    pub fragments: Vec<Fragment>,
    /// Subscriptions.
    pub subscriptions: Vec<Subscription>,
    /// Host names the gateway itself answers on (from `--gateway-host` or the project).
    pub gateway_hosts: Vec<String>,
    /// Workspaces (`workspaces/<name>/`), each a scope of its own.
    pub workspaces: Vec<Workspace>,
    /// Version sets (`version sets/<name>/`).
    pub version_sets: Vec<VersionSet>,
    /// Loggers (`loggers/<name>/`).
    pub loggers: Vec<Logger>,
}

/// A logger entity (`loggers/<name>/loggerInformation.json`).
#[derive(Debug)]
pub struct Logger {
    /// Resource name (the folder name): what `logger-id` names.
    pub name: String,
    /// Where its events go.
    pub kind: LoggerKind,
    /// Where it is declared.
    pub origin: Origin,
}

/// A logger's type and destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoggerKind {
    /// `azureEventHub`: the hub (`credentials.name`, else the connection string's
    /// `EntityPath`) and how to sign in.
    EventHub {
        /// `credentials.name`.
        hub: Option<String>,
        /// The credentials.
        auth: EventHubAuth,
    },
    /// gatehouse's `file` logger: one line per event appended to `credentials.path`.
    File(String),
    /// gatehouse's `stdout` logger: one line per event on standard output.
    Stdout,
    /// Another APIM type (`applicationInsights`, `azureMonitor`): not an Event Hubs target.
    Other(String),
}

/// How an Event Hubs logger signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventHubAuth {
    /// `credentials.connectionString`, as written (normally a secret `{{named value}}`).
    ConnectionString(String),
    /// `credentials.endpointAddress` with a managed identity (`identityClientId`; `None`
    /// for the system-assigned identity).
    Identity {
        /// The namespace's host name.
        endpoint: String,
        /// The user-assigned identity's client id.
        client_id: Option<String>,
    },
}

/// A version set: how the versions of its APIs are told apart.
#[derive(Debug)]
pub struct VersionSet {
    /// Resource name (the folder name).
    pub name: String,
    /// The scheme, with the header or query parameter name where it needs one.
    pub scheme: VersionScheme,
    /// Where it is declared.
    pub origin: Origin,
}

/// A version set's `versioningScheme`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionScheme {
    /// `/path/v2/…`.
    Segment,
    /// `versionHeaderName: v2`.
    Header(String),
    /// `?versionQueryName=v2`.
    Query(String),
}

/// A workspace: a scope with its own APIs, products, backends, named values and fragments.
/// Its `project.global` is the workspace-scope policy; it has no nested workspaces.
#[derive(Debug)]
pub struct Workspace {
    /// The workspace name (the folder name).
    pub name: String,
    /// What the workspace declares.
    pub project: Project,
}

/// A policy document: where it is and its syntax tree.
#[derive(Debug)]
pub struct PolicyDoc {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The parsed document (expressions parsed, named values not yet substituted).
    pub parsed: Parsed,
    /// Its policies typed against the catalogue, read once for checks and lowering.
    pub typed: crate::ast::Policies,
}

impl PolicyDoc {
    /// A parsed document with its policies typed.
    pub fn new(file: Arc<SourceFile>, parsed: Parsed) -> Self {
        let typed = crate::ast::read(&parsed.document);
        PolicyDoc {
            file,
            parsed,
            typed,
        }
    }
}

/// Where a declaration comes from, for diagnostics about it.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The information file (e.g. `backends/b/backendInformation.json`).
    pub file: Arc<SourceFile>,
    /// The declaration's span in it: the offending value where known, else the whole file.
    pub span: Span,
}

pub use gatehouse_runtime::program::ApiKind;

/// An API (`apis/<name>/apiInformation.json`).
#[derive(Debug)]
pub struct Api {
    /// Resource name (the folder name, without `;rev=N`).
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// URL suffix under the gateway, without leading or trailing `/` (may be empty).
    pub path: String,
    /// The default backend URL, if declared.
    pub service_url: Option<String>,
    /// `http`, `https`, `ws`, `wss`.
    pub protocols: Vec<String>,
    /// Its type (`type`: `http`, `soap`, `graphql`, `odata`, `websocket`).
    pub kind: ApiKind,
    /// A GraphQL API's schema (`specification.graphql`), when it parses and validates.
    pub graphql_schema: Option<String>,
    /// Whether calls need a subscription key.
    pub subscription_required: bool,
    /// Header carrying the subscription key (default `Ocp-Apim-Subscription-Key`).
    pub subscription_key_header: String,
    /// Query parameter carrying the subscription key (default `subscription-key`).
    pub subscription_key_query: String,
    /// Revision (`1` unless a `;rev=N` folder or `apiRevision` says otherwise).
    pub revision: String,
    /// Whether this is the current revision.
    pub is_current: bool,
    /// The version set it belongs to (the last segment of `apiVersionSetId`).
    pub version_set: Option<String>,
    /// Its version in that set (`apiVersion`; empty or absent: the set's original).
    pub version: Option<String>,
    /// Where `apiVersionSetId` and `apiVersion` (else `apiVersionSetId` again) are written.
    pub version_spans: Option<(Span, Span)>,
    /// Operations from the specification (and operation folders).
    pub operations: Vec<Operation>,
    /// API-scope policy.
    pub policy: Option<PolicyDoc>,
    /// Where it is declared.
    pub origin: Origin,
}

/// An operation of an API.
#[derive(Debug)]
pub struct Operation {
    /// Resource name: the operation folder name / OpenAPI `operationId`.
    pub name: String,
    /// Display name (OpenAPI `summary`, else the name).
    pub display_name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// URL template relative to the API path, starting with `/`, e.g. `/orders/{id}`.
    pub url_template: String,
    /// Template, query and header parameters.
    pub parameters: Vec<Parameter>,
    /// Declared responses with their examples (for `mock-response`).
    pub responses: Vec<Response>,
    /// Declared request bodies: media type and JSON Schema text (the validation policies).
    pub request_bodies: Vec<(String, Option<String>)>,
    /// Operation-scope policy.
    pub policy: Option<PolicyDoc>,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterIn {
    /// A `{name}` in the URL template.
    Template,
    /// A query parameter.
    Query,
    /// A header.
    Header,
}

/// An operation parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Where it goes.
    pub location: ParameterIn,
    /// Whether it must be present.
    pub required: bool,
    /// Its JSON Schema text, when declared (the validation policies).
    pub schema: Option<String>,
}

/// A declared response: status code, content type and an example body.
#[derive(Clone, Debug)]
pub struct Response {
    /// Status code (`default` responses are recorded as 0).
    pub status: u16,
    /// Media type, e.g. `application/json`.
    pub content_type: Option<String>,
    /// An example body, serialised (JSON text for JSON examples).
    pub example: Option<String>,
    /// The body's JSON Schema text, when declared (the validation policies).
    pub schema: Option<String>,
    /// Declared response headers.
    pub headers: Vec<Parameter>,
}

/// A product (`products/<name>/productInformation.json`).
#[derive(Debug)]
pub struct Product {
    /// Resource name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Whether a subscription is required.
    pub subscription_required: bool,
    /// Whether subscriptions need approval.
    pub approval_required: bool,
    /// `published` or `notPublished`.
    pub state: String,
    /// Names of the APIs the product includes (`products/<p>/apis/<api>/`).
    pub apis: Vec<String>,
    /// Product-scope policy.
    pub policy: Option<PolicyDoc>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A backend entity (`backends/<name>/backendInformation.json`).
#[derive(Debug)]
pub struct Backend {
    /// Resource name (what `backend-id` refers to).
    pub name: String,
    /// Runtime URL (required for single backends).
    pub url: Option<String>,
    /// `http` or `soap`.
    pub protocol: String,
    /// Single backend or pool.
    pub kind: BackendKind,
    /// Credentials injected on every forwarded call.
    pub credentials: Credentials,
    /// TLS validation settings.
    pub tls: Tls,
    /// Outbound HTTP proxy.
    pub proxy: Option<Proxy>,
    /// Circuit breaker rules (APIM allows one today).
    pub circuit_breaker: Vec<BreakerRule>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A single backend or a load-balanced pool.
#[derive(Debug, Clone)]
pub enum BackendKind {
    /// One URL.
    Single,
    /// Several backends, by priority and weight.
    Pool(Vec<PoolMember>),
}

/// A member of a pool.
#[derive(Debug, Clone)]
pub struct PoolMember {
    /// Name of the member backend (last segment of the ARM id).
    pub backend: String,
    /// Priority group; lower is preferred (default 1).
    pub priority: u32,
    /// Weight within the group (default 1).
    pub weight: u32,
    /// Where the member is listed.
    pub origin: Origin,
}

/// Backend credentials.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// Headers added to each call (values may hold `{{named values}}`).
    pub header: Vec<(String, Vec<String>)>,
    /// Query parameters added to each call.
    pub query: Vec<(String, Vec<String>)>,
    /// `Authorization: {scheme} {parameter}`.
    pub authorization: Option<(String, String)>,
    /// Client certificate ids.
    pub certificate_ids: Vec<String>,
}

/// TLS settings.
#[derive(Debug, Clone, Copy)]
pub struct Tls {
    /// Validate the certificate chain (default true).
    pub validate_chain: bool,
    /// Validate the certificate name (default true).
    pub validate_name: bool,
}

impl Default for Tls {
    fn default() -> Self {
        Tls {
            validate_chain: true,
            validate_name: true,
        }
    }
}

/// An outbound proxy.
#[derive(Debug, Clone)]
pub struct Proxy {
    /// `http://host:port`.
    pub url: String,
    /// Basic user name.
    pub username: Option<String>,
    /// Basic password (may be a `{{named value}}`).
    pub password: Option<String>,
}

/// A circuit breaker rule.
#[derive(Debug, Clone)]
pub struct BreakerRule {
    /// Rule name.
    pub name: String,
    /// Trip after this many failures in `interval` …
    pub count: Option<u64>,
    /// … or this percentage of failures.
    pub percentage: Option<u64>,
    /// Counting window.
    pub interval: std::time::Duration,
    /// Status codes that count as failures, inclusive ranges.
    pub status_ranges: Vec<(u16, u16)>,
    /// Error reasons that count as failures.
    pub error_reasons: Vec<String>,
    /// How long the circuit stays open.
    pub trip_duration: std::time::Duration,
    /// Honour the backend's `Retry-After`.
    pub accept_retry_after: bool,
}

/// A named value (`named values/<name>/namedValueInformation.json`).
#[derive(Debug, Clone)]
pub struct NamedValue {
    /// The display name, which `{{...}}` references use.
    pub name: String,
    /// The value (None for Key Vault references).
    pub value: Option<String>,
    /// Secret: never printed, never written into a bundle.
    pub secret: bool,
    /// Key Vault secret identifier, for Key Vault references.
    pub key_vault: Option<String>,
    /// Where it is declared.
    pub origin: Origin,
}

/// A policy fragment (`policy fragments/<name>/policy.xml`).
#[derive(Debug)]
pub struct Fragment {
    /// Its name (`fragment-id`).
    pub name: String,
    /// Its document, rooted at `<fragment>`.
    pub policy: PolicyDoc,
}

/// A subscription (`subscriptions/<name>/subscriptionInformation.json`).
#[derive(Debug, Clone)]
pub struct Subscription {
    /// Resource name.
    pub name: String,
    /// What it grants access to.
    pub scope: SubscriptionScope,
    /// Primary key, if stored.
    pub primary_key: Option<String>,
    /// Secondary key, if stored.
    pub secondary_key: Option<String>,
    /// `active`, `suspended`, …
    pub state: String,
    /// Where it is declared.
    pub origin: Origin,
}

/// The scope of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionScope {
    /// All APIs.
    AllApis,
    /// One product.
    Product(String),
    /// One API.
    Api(String),
}
