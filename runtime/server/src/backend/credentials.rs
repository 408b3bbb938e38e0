//! Backend credentials: headers, query parameters and `Authorization` injected on forward.

use gatehouse_runtime::program::{Credentials, Program, StrId};
use http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use http::HeaderMap;

/// A backend's credentials, parsed once when the program is loaded.
#[derive(Clone, Debug, Default)]
pub struct Injected {
    headers: Vec<(HeaderName, Vec<HeaderValue>)>,
    query: Vec<(String, Vec<String>)>,
    authorization: Option<HeaderValue>,
}

impl Injected {
    /// The credentials `c` of `program` (secrets already resolved). Names or values that
    /// are not valid in HTTP are reported, naming them.
    pub fn new(program: &Program, c: &Credentials) -> Result<Injected, String> {
        let mut headers = Vec::with_capacity(c.headers.len());
        for (name, values) in &c.headers {
            let name_s = program.str(*name);
            let name = HeaderName::from_bytes(name_s.as_bytes())
                .map_err(|_| format!("credential header name '{name_s}' is not valid"))?;
            let values = values
                .iter()
                .map(|v| header_value(program, *v, name_s))
                .collect::<Result<Vec<_>, _>>()?;
            headers.push((name, values));
        }
        let query = c
            .query
            .iter()
            .map(|(n, vs)| {
                let values = vs.iter().map(|v| program.str(*v).to_string()).collect();
                (program.str(*n).to_string(), values)
            })
            .collect();
        let authorization = match c.authorization {
            Some((scheme, param)) => {
                let text = format!("{} {}", program.str(scheme), program.str(param));
                let value = HeaderValue::from_str(text.trim())
                    .map_err(|_| "credential authorization is not a valid header".to_string())?;
                Some(value)
            }
            None => None,
        };
        Ok(Injected {
            headers,
            query,
            authorization,
        })
    }

    /// Whether there is nothing to inject.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty() && self.authorization.is_none()
    }

    /// Sets the credential headers (replacing values of the same name) and appends the
    /// credential query parameters to `path_and_query`.
    pub fn apply(&self, headers: &mut HeaderMap, path_and_query: &mut String) {
        for (name, values) in &self.headers {
            headers.remove(name);
            for v in values {
                headers.append(name.clone(), v.clone());
            }
        }
        if let Some(auth) = &self.authorization {
            headers.insert(AUTHORIZATION, auth.clone());
        }
        for (name, values) in &self.query {
            for v in values {
                path_and_query.push(if path_and_query.contains('?') {
                    '&'
                } else {
                    '?'
                });
                percent_encode(name, path_and_query);
                path_and_query.push('=');
                percent_encode(v, path_and_query);
            }
        }
    }
}

fn header_value(program: &Program, id: StrId, name: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(program.str(id))
        .map_err(|_| format!("credential header '{name}' has a value that is not valid"))
}

/// Appends `s` percent-encoded as a query component (unreserved characters kept).
pub fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn injects_headers_query_and_authorization() {
        let program = Program {
            strings: vec![
                "x-key".into(),
                "k1".into(),
                "code".into(),
                "a b&c".into(),
                "Basic".into(),
                "dXNlcjpwdw==".into(),
            ],
            ..Program::default()
        };
        let creds = Credentials {
            headers: vec![(0, vec![1])],
            query: vec![(2, vec![3])],
            authorization: Some((4, 5)),
            certificates: vec![],
        };
        let inj = Injected::new(&program, &creds).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-key", HeaderValue::from_static("client"));
        let mut pq = "/orders?id=1".to_string();
        inj.apply(&mut headers, &mut pq);
        assert_eq!(headers.get_all("x-key").iter().count(), 1);
        assert_eq!(headers["x-key"], "k1");
        assert_eq!(headers[AUTHORIZATION], "Basic dXNlcjpwdw==");
        assert_eq!(pq, "/orders?id=1&code=a%20b%26c");
        let mut bare = "/x".to_string();
        inj.apply(&mut HeaderMap::new(), &mut bare);
        assert_eq!(bare, "/x?code=a%20b%26c");
    }

    #[test]
    fn invalid_header_values_are_reported() {
        let program = Program {
            strings: vec!["x-key".into(), "bad\nvalue".into()],
            ..Program::default()
        };
        let creds = Credentials {
            headers: vec![(0, vec![1])],
            ..Credentials::default()
        };
        let err = Injected::new(&program, &creds).unwrap_err();
        assert!(err.contains("x-key"), "{err}");
    }
}
