//! The routing index: API by host and longest path prefix, then operation by method and
//! URL template (a `matchit` router per API and method).

use crate::program::Program;
use gatehouse_dotnet::uri::unescape_data_string;
use matchit::Router;
use std::sync::Arc;

/// Matched template parameters, in template order: name, decoded value, raw value.
pub(crate) type Params = Vec<(Arc<str>, Arc<str>, Arc<str>)>;

/// `name={param}` pairs of a template's query part.
type QueryParams = Vec<(Arc<str>, Arc<str>)>;

/// The routing table of one program.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Routed APIs, longest path prefix first.
    apis: Vec<ApiRoutes>,
    warnings: Vec<String>,
}

#[derive(Debug)]
struct ApiRoutes {
    api: u32,
    /// `/prefix` or empty.
    prefix: String,
    /// Lower-case host names (empty: any host).
    hosts: Vec<String>,
    /// Per upper-case method, then the `*` operations.
    methods: Vec<(String, Router<u32>)>,
    any: Router<u32>,
    /// Per operation: the `name={param}` pairs of its template's query part.
    query: Vec<QueryParams>,
}

/// Where a request goes.
#[derive(Debug)]
pub(crate) struct Routed {
    pub api: u32,
    pub op: u32,
    /// The path after the API prefix (starts with `/` or is empty), still encoded.
    pub rest: String,
    pub params: Params,
}

/// Why routing failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// No API answers the path.
    NoApi,
    /// The API has no operation for the method and path.
    NoOperation(u32),
}

impl Index {
    /// Indexes the current revisions of every API of `program`.
    pub fn build(program: &Program) -> Index {
        let mut ix = Index::default();
        for (ai, api) in program.apis.iter().enumerate() {
            if !api.is_current {
                continue;
            }
            let path = program.str(api.path).trim_matches('/');
            let mut routes = ApiRoutes {
                api: ai as u32,
                prefix: if path.is_empty() {
                    String::new()
                } else {
                    format!("/{path}")
                },
                hosts: api
                    .hosts
                    .iter()
                    .map(|h| program.str(*h).to_ascii_lowercase())
                    .collect(),
                methods: Vec::new(),
                any: Router::new(),
                query: Vec::new(),
            };
            for (oi, op) in api.operations.iter().enumerate() {
                let (path, query) = split_template(program.str(op.template));
                routes.query.push(query);
                let method = program.str(op.method).to_ascii_uppercase();
                let router = if method == "*" {
                    &mut routes.any
                } else {
                    match routes.methods.iter().position(|(m, _)| *m == method) {
                        Some(i) => &mut routes.methods[i].1,
                        None => {
                            routes.methods.push((method, Router::new()));
                            let last = routes.methods.len() - 1;
                            &mut routes.methods[last].1
                        }
                    }
                };
                if let Err(e) = router.insert(fold_static(&path), oi as u32) {
                    ix.warnings.push(format!(
                        "{}/{}: {e}",
                        program.str(api.name),
                        program.str(op.name)
                    ));
                }
            }
            ix.apis.push(routes);
        }
        ix.apis
            .sort_by_key(|a| (std::cmp::Reverse(a.prefix.len()), a.hosts.is_empty()));
        ix
    }

    /// Templates that could not be indexed.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Routes `method` `path` (without the query) on `host`; `query` gives the request's
    /// decoded query parameters, asked for only by templates with a query part.
    pub fn route<'q>(
        &self,
        host: &str,
        method: &str,
        path: &str,
        query: &dyn Fn() -> &'q super::headers::Multimap,
    ) -> Result<Routed, Miss> {
        let host = host.rsplit_once(':').map_or(host, |(h, p)| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        });
        let api = self
            .apis
            .iter()
            .filter(|a| a.hosts.is_empty() || a.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
            .find_map(|a| strip_prefix(path, &a.prefix).map(|rest| (a, rest)));
        let Some((api, rest)) = api else {
            return Err(Miss::NoApi);
        };
        let target = if rest.is_empty() { "/" } else { rest };
        // Templates match without regard to ASCII case, as API prefixes do (APIM's rule);
        // parameters keep the request's own spelling (lower-casing ASCII keeps offsets).
        let folded = target.to_ascii_lowercase();
        let found = api
            .methods
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(method))
            .and_then(|(_, r)| r.at(&folded).ok())
            .or_else(|| api.any.at(&folded).ok());
        let Some(m) = found else {
            return Err(Miss::NoOperation(api.api));
        };
        let op = *m.value;
        let mut params: Params = m
            .params
            .iter()
            .map(|(k, v)| {
                let at = (v.as_ptr() as usize).wrapping_sub(folded.as_ptr() as usize);
                let v = target.get(at..at + v.len()).unwrap_or(v);
                let raw: Arc<str> = Arc::from(v);
                let decoded = if v.contains('%') {
                    Arc::from(unescape_data_string(v))
                } else {
                    raw.clone()
                };
                (Arc::from(k), decoded, raw)
            })
            .collect();
        for (name, param) in api.query.get(op as usize).map_or(&[][..], |q| q) {
            let value = query()
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, vs)| vs.first());
            if let Some(v) = value {
                params.push((param.clone(), v.clone(), v.clone()));
            }
        }
        Ok(Routed {
            api: api.api,
            op,
            rest: rest.to_string(),
            params,
        })
    }

    /// The query parameter names operation `op` of API `api` names in its template.
    pub fn template_query(&self, api: u32, op: u32) -> &[(Arc<str>, Arc<str>)] {
        self.apis
            .iter()
            .find(|a| a.api == api)
            .and_then(|a| a.query.get(op as usize))
            .map_or(&[], |q| q)
    }
}

/// A template with its static text lower-cased (ASCII) and its `{parameters}` as written.
fn fold_static(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut depth = 0usize;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(if depth == 0 {
            c.to_ascii_lowercase()
        } else {
            c
        });
    }
    out
}

/// The path after `prefix`, when `path` is `prefix` or continues it with `/`.
fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = if prefix.is_empty() {
        path
    } else {
        let head = path.get(..prefix.len())?;
        if !head.eq_ignore_ascii_case(prefix) {
            return None;
        }
        &path[prefix.len()..]
    };
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// A template's path (with a leading `/`) and its query part's `name={param}` pairs.
fn split_template(t: &str) -> (String, QueryParams) {
    let (path, query) = t.split_once('?').unwrap_or((t, ""));
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let pairs = query
        .split('&')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            let param = v.strip_prefix('{')?.strip_suffix('}')?;
            Some((Arc::from(k), Arc::from(param)))
        })
        .collect();
    (path, pairs)
}
