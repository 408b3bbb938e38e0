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
    /// Operations.
    pub operations: Vec<Operation>,
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
