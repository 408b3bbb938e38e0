//! The routing table: APIs, operations, products and subscriptions.

use super::{Contract, PipelineId, StrId};

/// An API.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// Resource name.
    pub name: StrId,
    /// Display name.
    pub display_name: StrId,
    /// Path prefix under the gateway, without leading or trailing `/` (may be empty).
    pub path: StrId,
    /// Host names the API answers on (empty: any).
    pub hosts: Vec<StrId>,
    /// Default backend URL (`serviceUrl`).
    pub service_url: Option<StrId>,
    /// Whether callers need a subscription key.
    pub subscription_required: bool,
    /// Header carrying the key.
    pub key_header: StrId,
    /// Query parameter carrying the key.
    pub key_query: StrId,
    /// Revision.
    pub revision: StrId,
    /// Whether it is the current revision (the others answer only to `;rev=N`).
    pub is_current: bool,
    /// Its version in a version set (`apiVersion`); `None` for an API outside a set and for
    /// a set's version-less original.
    pub version: Option<StrId>,
    /// How its version set tells versions apart, when it is in one.
    pub versioning: Option<Versioning>,
    /// What kind of API it is (`type` in `apiInformation.json`).
    pub kind: ApiKind,
    /// The URL schemes it accepts.
    pub protocols: Protocols,
    /// A GraphQL API's schema (SDL), for `validate-graphql-request`.
    pub graphql_schema: Option<StrId>,
    /// Operations.
    pub operations: Vec<Operation>,
}

/// An API's type: how the gateway routes and proxies it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiKind {
    /// REST over HTTP (`http`, the default).
    #[default]
    Http,
    /// SOAP pass-through: operations told apart by SOAP action (`soap`).
    Soap,
    /// GraphQL pass-through: every request to the endpoint is proxied (`graphql`).
    GraphQl,
    /// OData: every request under the path is proxied (`odata`).
    OData,
    /// WebSocket pass-through: the `onHandshake` operation, then frames relayed
    /// (`websocket`).
    WebSocket,
}

impl ApiKind {
    /// Every kind, in bundle order.
    pub const ALL: [ApiKind; 5] = [
        ApiKind::Http,
        ApiKind::Soap,
        ApiKind::GraphQl,
        ApiKind::OData,
        ApiKind::WebSocket,
    ];

    /// The `type` value naming it.
    pub fn name(self) -> &'static str {
        match self {
            ApiKind::Http => "http",
            ApiKind::Soap => "soap",
            ApiKind::GraphQl => "graphql",
            ApiKind::OData => "odata",
            ApiKind::WebSocket => "websocket",
        }
    }

    /// The kind a `type` value names (case-insensitive).
    pub fn from_name(name: &str) -> Option<ApiKind> {
        ApiKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

/// Policies APIM does not allow in a WebSocket API's `onHandshake` operation: inherited
/// from the global or a product scope they are skipped on handshakes; written at the API or
/// the operation, `check` refuses them.
pub const NOT_ON_HANDSHAKE: &[&str] = &[
    "mock-response",
    "cache-lookup",
    "cache-store",
    "cross-domain",
    "cors",
    "jsonp",
    "set-method",
    "set-body",
    "xml-to-json",
    "json-to-xml",
    "xsl-transform",
    "validate-content",
    "validate-parameters",
    "validate-headers",
    "validate-status-code",
];

/// The URL schemes an API accepts (`protocols`), as bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protocols(pub u8);

impl Protocols {
    /// `http`.
    pub const HTTP: u8 = 1;
    /// `https`.
    pub const HTTPS: u8 = 2;
    /// `ws`.
    pub const WS: u8 = 4;
    /// `wss`.
    pub const WSS: u8 = 8;
    const NAMES: [(u8, &'static str); 4] = [
        (Protocols::HTTP, "http"),
        (Protocols::HTTPS, "https"),
        (Protocols::WS, "ws"),
        (Protocols::WSS, "wss"),
    ];

    /// The bit of scheme `name` (`None`: not a scheme an API can accept).
    pub fn bit(name: &str) -> Option<u8> {
        Protocols::NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(b, _)| *b)
    }

    /// Whether scheme `name` is accepted.
    pub fn accepts(self, name: &str) -> bool {
        Protocols::bit(name).is_some_and(|b| self.0 & b != 0)
    }

    /// The accepted schemes' names, in `http, https, ws, wss` order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Protocols::NAMES
            .into_iter()
            .filter(move |(b, _)| self.0 & b != 0)
            .map(|(_, n)| n)
    }
}

impl Default for Protocols {
    /// `https`, APIM's default.
    fn default() -> Self {
        Protocols(Protocols::HTTPS)
    }
}

/// A version set's scheme: where a request names the version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versioning {
    /// A path segment after the API's path: `/orders/v2/...`.
    Segment,
    /// A header, e.g. `Api-Version: v2`.
    Header(StrId),
    /// A query parameter, e.g. `?api-version=v2`.
    Query(StrId),
}

/// An operation of an API.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Resource name.
    pub name: StrId,
    /// Display name.
    pub display_name: StrId,
    /// HTTP method, upper case (`*` matches any).
    pub method: StrId,
    /// URL template relative to the API path, e.g. `/orders/{id}`.
    pub template: StrId,
    /// The effective pipeline without a product, then one per product whose policy takes
    /// part: `(product index or u32::MAX, pipeline)`.
    pub pipelines: Vec<(u32, PipelineId)>,
    /// Declared response examples, for `mock-response`.
    pub examples: Vec<MockExample>,
    /// What the specification declares, for the validation policies.
    pub contract: Contract,
}

/// A declared response example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockExample {
    /// Status code (0 for `default`).
    pub status: u16,
    /// Media type.
    pub content_type: Option<StrId>,
    /// Example body.
    pub body: Option<StrId>,
}

/// A product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// Resource name.
    pub name: StrId,
    /// Display name.
    pub display_name: StrId,
    /// Whether a subscription is required.
    pub subscription_required: bool,
    /// Whether it is published (unpublished products reject calls).
    pub published: bool,
    /// Indices of the APIs it includes.
    pub apis: Vec<u32>,
}

/// What a subscription grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionScope {
    /// Every API.
    AllApis,
    /// One product (index).
    Product(u32),
    /// One API (index).
    Api(u32),
}

/// A subscription. Keys are kept as SHA-256 digests: the bundle never holds a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// Resource name.
    pub name: StrId,
    /// Scope.
    pub scope: SubscriptionScope,
    /// SHA-256 of the primary and secondary keys that are declared.
    pub key_digests: Vec<[u8; 32]>,
    /// Whether it is active (others are rejected).
    pub active: bool,
}
