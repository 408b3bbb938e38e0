//! A hand-built program that uses every operation kind and every table variant.

use crate::bytecode::{Code, Const, Func, Instr, RegexSource, SpanRef};
use crate::program::*;
use gatehouse_dotnet::regex::RegexOptions;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Code that pushes string `s` and returns it, with a constant of each kind around.
pub fn code(s: &str, extra: bool) -> Code {
    let mut c = Code {
        instrs: vec![Instr::Str(0), Instr::Return],
        strings: vec![s.into()],
        spans: vec![SpanRef { start: 0, end: 3 }, SpanRef::NONE],
        ..Code::default()
    };
    if extra {
        c.consts = vec![
            Const::Bool(true),
            Const::Char(0x263a),
            Const::Int(-7),
            Const::Long(i64::MIN),
            Const::UInt(u32::MAX),
            Const::ULong(u64::MAX),
            Const::Float(f32::NAN),
            Const::Double(-0.0),
            Const::Decimal(Decimal::new(-12345, 3)),
        ];
        c.regexes = vec![RegexSource {
            pattern: "^a+$".into(),
            options: RegexOptions {
                ignore_case: true,
                explicit_capture: true,
                ..RegexOptions::default()
            },
        }];
        c.shapes = vec![Arc::from(vec![Arc::from("A"), Arc::from("B")])];
        c.locals = 2;
        // A lambda inline behind the jump that skips it: 0 Jump(3), 1 Load, 2 Return.
        c.instrs
            .splice(0..0, [Instr::Jump(3), Instr::Load(0), Instr::Return]);
        c.spans.splice(0..0, [SpanRef { start: 4, end: 9 }; 3]);
        c.funcs = vec![Func {
            entry: 1,
            first_param: 0,
            params: 1,
            slots: (0, 2),
        }];
    }
    c
}

fn lit(s: u32) -> Arg {
    Arg::Lit(s)
}

fn header(name: Arg, action: ExistsAction, values: Vec<Arg>) -> HeaderOp {
    HeaderOp {
        name,
        action,
        values,
    }
}

/// Every [`OpKind`] variant, with optional fields both set and unset.
fn ops() -> Vec<OpKind> {
    use OpKind::*;
    vec![
        SetHeader(header(
            lit(1),
            ExistsAction::Override,
            vec![lit(2), Arg::Expr(0)],
        )),
        SetHeader(header(Arg::Expr(1), ExistsAction::Delete, vec![])),
        SetQueryParameter(header(lit(3), ExistsAction::Skip, vec![lit(4)])),
        SetQueryParameter(header(lit(3), ExistsAction::Append, vec![lit(4)])),
        RewriteUri(crate::program::RewriteUri {
            template: lit(5),
            copy_unmatched_params: true,
        }),
        SetMethod(crate::program::SetMethod(Arg::Expr(2))),
        SetStatus(crate::program::SetStatus {
            code: lit(6),
            reason: Some(lit(7)),
        }),
        SetStatus(crate::program::SetStatus {
            code: Arg::Expr(0),
            reason: None,
        }),
        SetVariable(crate::program::SetVariable {
            name: 8,
            value: Arg::Expr(1),
        }),
        SetBody(crate::program::SetBody { value: lit(9), liquid: None }),
        MockResponse(crate::program::MockResponse {
            status: 201,
            content_type: Some(10),
        }),
        MockResponse(crate::program::MockResponse {
            status: 200,
            content_type: None,
        }),
        Trace(crate::program::TraceOp {
            source: lit(11),
            severity: Severity::Error,
            message: Arg::Expr(2),
            metadata: vec![(12, lit(13)), (14, Arg::Expr(0))],
        }),
        Trace(crate::program::TraceOp {
            source: lit(11),
            severity: Severity::Verbose,
            message: lit(1),
            metadata: vec![],
        }),
        SetBackendService(crate::program::SetBackendService {
            backend_id: Some(lit(15)),
            base_url: None,
        }),
        SetBackendService(crate::program::SetBackendService {
            backend_id: None,
            base_url: Some(Arg::Expr(1)),
        }),
        ForwardRequest(crate::program::ForwardRequest::default()),
        ForwardRequest(crate::program::ForwardRequest {
            timeout_ms: u64::MAX,
            follow_redirects: true,
            buffer_request_body: true,
            buffer_response: false,
            fail_on_error_status_code: true,
            http_version: HttpVersion::Http2Or1,
            exprs: vec![
                (crate::program::ForwardAttr::TimeoutMs, 0),
                (crate::program::ForwardAttr::HttpVersion, 2),
            ],
        }),
        RateLimitByKey(crate::program::RateLimitByKey {
            calls: lit(16),
            renewal_period: lit(17),
            counter_key: Arg::Expr(2),
            increment_condition: Some(0),
            increment_count: Some(lit(16)),
            report: crate::program::CallsReport {
                retry_after_header_name: Some(18),
                retry_after_variable_name: Some(19),
                remaining_calls_header_name: Some(18),
                remaining_calls_variable_name: None,
                total_calls_header_name: Some(19),
            },
        }),
        FindAndReplace(crate::program::FindAndReplace {
            from: lit(1),
            to: Arg::Expr(0),
        }),
        CheckHeader(crate::program::CheckHeader {
            name: lit(1),
            failed_check_httpcode: lit(2),
            failed_check_error_message: Arg::Expr(0),
            ignore_case: lit(3),
            values: vec![lit(4), Arg::Expr(0)],
        }),
        RateLimit(crate::program::RateLimit {
            limits: vec![
                crate::program::Limit {
                    api: None,
                    operation: None,
                    calls: Some(5),
                    kilobytes: None,
                    period: 60,
                },
                crate::program::Limit {
                    api: Some(crate::program::Target {
                        by_id: true,
                        name: 18,
                    }),
                    operation: Some(crate::program::Target {
                        by_id: false,
                        name: 19,
                    }),
                    calls: None,
                    kilobytes: Some(1024),
                    period: 0,
                },
            ],
            report: crate::program::CallsReport {
                retry_after_header_name: Some(18),
                retry_after_variable_name: None,
                remaining_calls_header_name: None,
                remaining_calls_variable_name: Some(19),
                total_calls_header_name: None,
            },
        }),
        Quota(crate::program::Quota {
            limits: vec![crate::program::Limit {
                api: None,
                operation: None,
                calls: Some(10_000),
                kilobytes: None,
                period: 0,
            }],
        }),
        SendRequest(crate::program::SendRequest {
            mode: Some(Arg::Expr(1)),
            variable: 19,
            timeout: Some(lit(16)),
            ignore_error: true,
            url: Some(lit(18)),
            method: None,
            headers: vec![crate::program::HeaderOp {
                name: lit(18),
                action: crate::program::ExistsAction::Skip,
                values: vec![lit(17), Arg::Expr(2)],
            }],
            body: Some(Arg::Expr(0)),
            identity: Some(crate::program::AuthenticationManagedIdentity {
                resource: lit(17),
                client_id: None,
                output_variable: Some(19),
                ignore_error: Some(Arg::Expr(1)),
            }),
            certificate: Some(crate::program::AuthenticationCertificate {
                by_thumbprint: true,
                key: Arg::Expr(1),
            }),
        }),
        IpFilter(crate::program::IpFilter {
            action: lit(16),
            addresses: vec![lit(17), Arg::Expr(2)],
            ranges: vec![(18, 19)],
        }),
        Cors(crate::program::Cors {
            allow_credentials: Some(Arg::Expr(2)),
            terminate_unmatched: Some(lit(16)),
            origins: vec![17, 18],
            methods: vec![lit(19), Arg::Expr(2)],
            max_age: Some(lit(16)),
            headers: vec![18],
            expose: vec![],
        }),
        AuthenticationBasic(crate::program::AuthenticationBasic {
            username: lit(16),
            password: Arg::Expr(2),
        }),
        AuthenticationManagedIdentity(crate::program::AuthenticationManagedIdentity {
            resource: Arg::Expr(2),
            client_id: Some(18),
            output_variable: None,
            ignore_error: Some(lit(16)),
        }),
        CacheLookupValue(crate::program::CacheLookupValue {
            key: Arg::Expr(1),
            variable: 19,
            default_value: Some(lit(17)),
            caching_type: crate::program::CachingType::Internal,
        }),
        CacheStoreValue(crate::program::CacheStoreValue {
            key: lit(18),
            value: Arg::Expr(2),
            duration: lit(16),
            caching_type: crate::program::CachingType::External,
        }),
        CacheRemoveValue(crate::program::CacheRemoveValue {
            key: Arg::Expr(0),
            caching_type: crate::program::CachingType::PreferExternal,
        }),
        CacheLookup(crate::program::CacheLookup {
            vary_by_developer: lit(16),
            vary_by_developer_groups: Arg::Expr(1),
            caching_type: crate::program::CachingType::Internal,
            downstream_caching_type: Some(lit(17)),
            must_revalidate: None,
            allow_private_response_caching: Some(Arg::Expr(2)),
            vary_by_header: vec![lit(18), lit(19)],
            vary_by_query_parameter: vec![Arg::Expr(0)],
        }),
        CacheStore(crate::program::CacheStore {
            duration: lit(16),
            cache_response: Some(Arg::Expr(1)),
        }),
        LimitConcurrency(crate::program::LimitConcurrency {
            key: Arg::Expr(2),
            max_count: 3,
            block: 5,
        }),
        EmitMetric(crate::program::EmitMetric {
            name: 16,
            namespace: 17,
            value: Some(Arg::Expr(2)),
            dimensions: vec![
                Dimension {
                    name: lit(18),
                    value: DimensionValue::Given(Arg::Expr(2)),
                },
                Dimension {
                    name: lit(19),
                    value: DimensionValue::Default(DefaultDimension::GatewayId),
                },
            ],
        }),
        LlmEmitTokenMetric(TokenMetric {
            namespace: 16,
            dimensions: vec![Dimension {
                name: lit(17),
                value: DimensionValue::Default(DefaultDimension::BackendId),
            }],
        }),
        AzureOpenAiEmitTokenMetric(TokenMetric {
            namespace: 17,
            dimensions: vec![],
        }),
        LlmTokenLimit(token_limit(Some(QuotaPeriod::Monthly))),
        AzureOpenAiTokenLimit(TokenLimit {
            tokens_per_minute: None,
            ..token_limit(None)
        }),
        ValidateClientCertificate(crate::program::ValidateClientCertificate {
            validate_revocation: true,
            validate_trust: false,
            validate_not_before: true,
            validate_not_after: false,
            ignore_error: true,
            identities: vec![
                crate::program::CertIdentity {
                    claims: [Some(16), None, Some(17), None, None, None, None, Some(18)],
                },
                crate::program::CertIdentity::default(),
            ],
        }),
        AuthenticationCertificate(crate::program::AuthenticationCertificate {
            by_thumbprint: false,
            key: lit(19),
        }),
        Retry(crate::program::Retry {
            condition: 0,
            count: lit(16),
            interval: Arg::Expr(1),
            max_interval: Some(lit(17)),
            delta: Some(Arg::Expr(2)),
            first_fast_retry: None,
            body: 4,
        }),
        Retry(crate::program::Retry {
            condition: 1,
            count: Arg::Expr(0),
            interval: lit(16),
            max_interval: None,
            delta: None,
            first_fast_retry: Some(lit(3)),
            body: 4,
        }),
        Wait(crate::program::Wait {
            mode: Some(lit(16)),
            branches: vec![4, 2],
        }),
        Wait(crate::program::Wait {
            mode: None,
            branches: vec![4],
        }),
        SendOneWayRequest(crate::program::SendRequest {
            mode: None,
            variable: 18,
            timeout: Some(Arg::Expr(0)),
            ignore_error: false,
            url: Some(Arg::Expr(1)),
            method: Some(lit(17)),
            headers: vec![],
            body: None,
            identity: None,
            certificate: None,
        }),
        ValidateJwt(crate::program::ValidateJwt {
            rules: jwt_rules(),
            require_expiration_time: Some(lit(16)),
            require_signed_tokens: None,
            clock_skew: Some(Arg::Expr(2)),
            openid_configs: vec![18],
            keys: vec![
                crate::program::SigningKey {
                    id: Some(17),
                    material: crate::program::KeyMaterial::Secret(18),
                },
                crate::program::SigningKey {
                    id: None,
                    material: crate::program::KeyMaterial::Rsa { n: 16, e: 17 },
                },
                crate::program::SigningKey {
                    id: None,
                    material: crate::program::KeyMaterial::Certificate(19),
                },
            ],
            issuers: vec![lit(19)],
        }),
        ValidateAzureAdToken(crate::program::ValidateAzureAdToken {
            rules: crate::program::JwtRules {
                source: crate::program::TokenSource::Value(Arg::Expr(1)),
                ..jwt_rules()
            },
            tenant_id: 17,
            authentication_endpoint: Some(18),
            client_application_ids: vec![lit(16)],
            backend_application_ids: vec![],
        }),
        QuotaByKey(crate::program::QuotaByKey {
            calls: 100,
            renewal_period: 3600,
            anchor_ms: 1_800_000,
            counter_key: Arg::Expr(1),
            increment_condition: Some(2),
            increment_count: Some(lit(16)),
        }),
        ValidateContent(crate::program::ValidateContent {
            unspecified_content_type_action: lit(16),
            max_size: Arg::Expr(1),
            size_exceeded_action: lit(17),
            errors_variable_name: Some(18),
            any_content_type_value: None,
            missing_content_type_value: Some(10),
            type_map: vec![
                TypeMapping {
                    from: Some(10),
                    when: None,
                    to: 19,
                },
                TypeMapping {
                    from: None,
                    when: Some(Arg::Expr(2)),
                    to: 10,
                },
            ],
            contents: vec![
                ContentRule {
                    content_type: Some(10),
                    validate_as: ValidateAs::Json,
                    schema: Some(36),
                    action: lit(16),
                    allow_additional_properties: Some(false),
                },
                ContentRule {
                    content_type: None,
                    validate_as: ValidateAs::Soap,
                    schema: None,
                    action: Arg::Expr(1),
                    allow_additional_properties: None,
                },
            ],
        }),
        ValidateParameters(crate::program::ValidateParameters {
            specified_parameter_action: lit(16),
            unspecified_parameter_action: Arg::Expr(1),
            errors_variable_name: None,
            blocks: [
                ParamBlock {
                    specified: Some(lit(17)),
                    unspecified: None,
                    parameters: vec![(18, lit(16))],
                },
                ParamBlock::default(),
                ParamBlock {
                    specified: Some(Arg::Expr(2)),
                    unspecified: None,
                    parameters: vec![],
                },
            ],
        }),
        ValidateHeaders(crate::program::ValidateHeaders {
            specified_header_action: lit(16),
            unspecified_header_action: lit(17),
            errors_variable_name: Some(18),
            headers: vec![(19, Arg::Expr(1))],
        }),
        ValidateStatusCode(crate::program::ValidateStatusCode {
            unspecified_status_code_action: lit(16),
            errors_variable_name: Some(18),
            codes: vec![(404, lit(17)), (500, Arg::Expr(2))],
        }),
        ValidateGraphqlRequest(crate::program::ValidateGraphqlRequest {
            error_variable_name: Some(lit(18)),
            max_size: lit(16),
            max_depth: None,
            rules: vec![(17, Some(Arg::Expr(1))), (19, None)],
        }),
        SetBody(crate::program::SetBody {
            value: lit(9),
            liquid: Some(
                crate::program::LiquidBody::new("{{ body.a | Upcase }}", false)
                    .expect("compiles"),
            ),
        }),
        XslTransform(
            crate::program::XslTransform::new(
                r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:param name="p"/><xsl:template match="/"><r><xsl:value-of select="$p"/></r></xsl:template></xsl:stylesheet>"#,
                vec![(8, lit(9)), (10, Arg::Expr(1))],
            )
            .expect("compiles"),
        ),
        LlmContentSafety(ContentSafety {
            backend_id: lit(16),
            shield_prompt: Some(Arg::Expr(1)),
            output_type: OutputType::EightSeverityLevels,
            categories: vec![(HarmCategory::Hate, 3), (HarmCategory::Violence, 7)],
            blocklists: vec![lit(17), Arg::Expr(2)],
        }),
        LlmContentSafety(ContentSafety {
            backend_id: Arg::Expr(0),
            shield_prompt: None,
            output_type: OutputType::FourSeverityLevels,
            categories: vec![],
            blocklists: vec![],
        }),
        LlmSemanticCacheLookup(SemanticCacheLookup {
            score_threshold: lit(18),
            embeddings_backend_id: lit(16),
            ignore_system_messages: true,
            max_message_count: Some(10),
            vary_by: vec![Arg::Expr(1), lit(17)],
        }),
        AzureOpenAiSemanticCacheLookup(SemanticCacheLookup {
            score_threshold: Arg::Expr(2),
            embeddings_backend_id: Arg::Expr(0),
            ignore_system_messages: false,
            max_message_count: None,
            vary_by: vec![],
        }),
        LlmSemanticCacheStore(SemanticCacheStore { duration: lit(19) }),
        AzureOpenAiSemanticCacheStore(SemanticCacheStore {
            duration: Arg::Expr(1),
        }),
        JsonToXml(crate::program::JsonToXml {
            apply: lit(1),
            consider_accept_header: Some(Arg::Expr(0)),
            parse_date: false,
            namespace_separator: Some(lit(2)),
            namespace_prefix: None,
            attribute_block_name: Some(lit(3)),
        }),
        XmlToJson(crate::program::XmlToJson {
            kind: lit(1),
            apply: Arg::Expr(0),
            consider_accept_header: None,
            always_array_child_elements: Some(lit(2)),
        }),
        LogToEventhub(crate::program::LogToEventhub {
            logger: 16,
            sink: crate::program::EventSink::EventHubIdentity {
                endpoint: 17,
                hub: 18,
                client_id: Some(16),
            },
            message: Arg::Expr(1),
            partition_id: None,
            partition_key: Some(lit(17)),
        }),
        LogToEventhub(crate::program::LogToEventhub {
            logger: 16,
            sink: crate::program::EventSink::EventHubKey {
                connection: 17,
                hub: 18,
            },
            message: lit(16),
            partition_id: Some(18),
            partition_key: None,
        }),
    ]
}

fn token_limit(period: Option<QuotaPeriod>) -> TokenLimit {
    TokenLimit {
        counter_key: Arg::Expr(2),
        tokens_per_minute: Some(lit(16)),
        token_quota: period.map(|_| Arg::Expr(1)),
        token_quota_period: period,
        estimate_prompt_tokens: lit(17),
        retry_after_header_name: Some(18),
        retry_after_variable_name: None,
        remaining_quota_tokens_header_name: Some(19),
        remaining_quota_tokens_variable_name: Some(16),
        remaining_tokens_header_name: None,
        remaining_tokens_variable_name: Some(17),
        tokens_consumed_header_name: Some(18),
        tokens_consumed_variable_name: Some(19),
    }
}

/// Token rules using every field.
fn jwt_rules() -> crate::program::JwtRules {
    crate::program::JwtRules {
        source: crate::program::TokenSource::Header {
            name: lit(16),
            scheme: Some(lit(17)),
        },
        failed_validation_httpcode: Some(lit(16)),
        failed_validation_error_message: Some(Arg::Expr(2)),
        output_token_variable_name: Some(19),
        audiences: vec![lit(18), Arg::Expr(1)],
        required_claims: vec![crate::program::RequiredClaim {
            name: 17,
            match_any: true,
            separator: Some(16),
            values: vec![lit(19)],
        }],
    }
}

/// The blocks: 0 the shared API scope (every plain kind), 1 a choose with two branches and
/// an otherwise, 2–4 the branches, 5 a `return-response` pair, 6 a pipeline's on-error.
fn blocks() -> Vec<Block> {
    let op = |kind, loc| Op { kind, loc };
    let shared = ops().into_iter().map(|k| op(k, 1)).collect();
    let choose = OpKind::Choose(Choose {
        branches: vec![(0, 2), (1, 3)],
        otherwise: Some(4),
    });
    let ret = |status, body| {
        OpKind::ReturnResponse(ReturnResponse {
            variable: Some(8),
            status,
            headers: vec![header(lit(1), ExistsAction::Override, vec![lit(2)])],
            body,
        })
    };
    vec![
        Block { ops: shared },
        Block {
            ops: vec![op(OpKind::Call(0), 2), op(choose, 2)],
        },
        Block {
            ops: vec![op(OpKind::Call(5), 3)],
        },
        Block {
            ops: vec![op(
                OpKind::Choose(Choose {
                    branches: vec![],
                    otherwise: None,
                }),
                3,
            )],
        },
        Block { ops: vec![] },
        Block {
            ops: vec![
                op(ret(Some((lit(6), Some(lit(7)))), Some(Arg::Expr(0))), 3),
                op(ret(Some((Arg::Expr(1), None)), None), 3),
                op(
                    OpKind::ReturnResponse(crate::program::ReturnResponse {
                        variable: None,
                        status: None,
                        headers: vec![],
                        body: None,
                    }),
                    3,
                ),
            ],
        },
        Block {
            ops: vec![op(OpKind::Call(4), 0)],
        },
    ]
}

fn backends() -> Vec<Backend> {
    vec![
        Backend {
            name: 20,
            url: Some(21),
            kind: BackendKind::Single,
            credentials: Credentials {
                headers: vec![(22, vec![23, 24]), (1, vec![])],
                query: vec![(3, vec![4])],
                authorization: Some((25, 26)),
                certificates: vec![27],
            },
            tls: TlsSettings {
                validate_chain: false,
                validate_name: true,
            },
            breakers: vec![Breaker {
                name: 28,
                count: Some(5),
                percentage: None,
                interval_ms: 60_000,
                status_ranges: vec![(500, 599), (429, 429)],
                error_reasons: vec![29],
                trip_ms: 30_000,
                accept_retry_after: true,
            }],
        },
        Backend {
            name: 30,
            url: None,
            kind: BackendKind::Pool(vec![
                PoolMember {
                    backend: 0,
                    priority: 1,
                    weight: 3,
                },
                PoolMember {
                    backend: 2,
                    priority: 2,
                    weight: 1,
                },
            ]),
            credentials: Credentials::default(),
            tls: TlsSettings::default(),
            breakers: vec![Breaker {
                name: 28,
                count: None,
                percentage: Some(50),
                interval_ms: 1,
                status_ranges: vec![],
                error_reasons: vec![],
                trip_ms: 0,
                accept_retry_after: false,
            }],
        },
        Backend {
            name: 31,
            url: Some(21),
            kind: BackendKind::Single,
            credentials: Credentials::default(),
            tls: TlsSettings::default(),
            breakers: vec![],
        },
    ]
}

fn apis() -> Vec<Api> {
    let operation = |name, pipelines| Operation {
        name,
        display_name: 33,
        method: 34,
        template: 35,
        pipelines,
        examples: vec![
            MockExample {
                status: 200,
                content_type: Some(10),
                body: Some(36),
            },
            MockExample {
                status: 0,
                content_type: None,
                body: None,
            },
        ],
        contract: Contract {
            parameters: vec![ParamSpec {
                name: 33,
                location: ParamIn::Header,
                required: true,
                schema: Some(36),
            }],
            request: vec![BodySpec {
                content_type: 10,
                schema: None,
            }],
            responses: vec![ResponseSpec {
                status: 200,
                bodies: vec![BodySpec {
                    content_type: 10,
                    schema: Some(36),
                }],
                headers: vec![ParamSpec {
                    name: 34,
                    location: ParamIn::Header,
                    required: false,
                    schema: None,
                }],
            }],
        },
    };
    vec![
        Api {
            name: 37,
            display_name: 33,
            path: 38,
            hosts: vec![39],
            service_url: Some(21),
            subscription_required: true,
            key_header: 40,
            key_query: 41,
            revision: 42,
            is_current: true,
            version: Some(44),
            versioning: Some(Versioning::Segment),
            kind: ApiKind::WebSocket,
            protocols: Protocols(Protocols::WS | Protocols::WSS),
            graphql_schema: None,
            operations: vec![
                operation(43, vec![(u32::MAX, 0), (0, 1)]),
                operation(44, vec![(u32::MAX, 1)]),
            ],
        },
        Api {
            name: 45,
            display_name: 45,
            path: 0,
            hosts: vec![],
            service_url: None,
            subscription_required: false,
            key_header: 40,
            key_query: 41,
            revision: 42,
            is_current: false,
            version: None,
            versioning: Some(Versioning::Header(40)),
            kind: ApiKind::Soap,
            protocols: Protocols(Protocols::HTTP | Protocols::HTTPS),
            graphql_schema: Some(45),
            operations: vec![],
        },
    ]
}

/// Strings `0..=45`: `"s0"`, `"s1"`, … (index 0 is the empty string).
fn strings() -> Vec<Arc<str>> {
    (0..=45)
        .map(|i| {
            if i == 0 {
                Arc::from("")
            } else {
                Arc::from(format!("s{i}\u{e9}{{{{secret}}}}"))
            }
        })
        .collect()
}

/// A program using every operation kind and table variant.
pub fn program() -> Program {
    let loc = |file, line, scope| Loc {
        file,
        line,
        column: line * 3,
        scope,
        path: 1,
    };
    Program {
        strings: strings(),
        codes: vec![
            CodeEntry {
                code: code("a", true),
                loc: 0,
            },
            CodeEntry {
                code: code("b", false),
                loc: 1,
            },
            CodeEntry {
                code: code("{{secret}}", false),
                loc: 5,
            },
        ],
        blocks: blocks(),
        pipelines: vec![
            Pipeline {
                sections: [1, 4, 4, 6],
            },
            Pipeline {
                sections: [0, 4, 5, 4],
            },
        ],
        global: Some(1),
        apis: apis(),
        products: vec![
            Product {
                name: 46 - 14,
                display_name: 32,
                subscription_required: true,
                published: false,
                apis: vec![0, 1],
            },
            Product {
                name: 24,
                display_name: 24,
                subscription_required: false,
                published: true,
                apis: vec![],
            },
        ],
        subscriptions: vec![
            Subscription {
                name: 1,
                scope: SubscriptionScope::AllApis,
                key_digests: vec![[7; 32], [0xff; 32]],
                active: true,
            },
            Subscription {
                name: 2,
                scope: SubscriptionScope::Product(1),
                key_digests: vec![],
                active: false,
            },
            Subscription {
                name: 3,
                scope: SubscriptionScope::Api(1),
                key_digests: vec![[1; 32]],
                active: true,
            },
        ],
        backends: backends(),
        secrets: vec![
            SecretRef {
                name: "secret".into(),
                key_vault: None,
            },
            SecretRef {
                name: "kv".into(),
                key_vault: Some("https://v.vault.azure.net/secrets/kv".into()),
            },
        ],
        files: vec!["apis/a/policy.xml".into(), "fragments/f.xml".into()],
        locs: Scope::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| loc((i % 2) as u32, i as u32 + 1, *s))
            .collect(),
        secret_values: Vec::new(),
    }
}
