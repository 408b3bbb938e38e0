//! Token providers: where the gateway gets access tokens outside Azure — the managed
//! identity endpoints Azure hosts (App Service / Container Apps, IMDS), Entra client
//! credentials, and workload identity federation — chosen by the operator.

use std::path::PathBuf;

/// Entra ID's public-cloud authority host (`AZURE_AUTHORITY_HOST` overrides it).
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The Instance Metadata Service's token endpoint (`GATEHOUSE_IMDS_ENDPOINT` overrides it).
pub const DEFAULT_IMDS: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
/// The App Service / Container Apps managed identity API version.
pub const APP_SERVICE_API_VERSION: &str = "2019-08-01";
/// The IMDS API version.
pub const IMDS_API_VERSION: &str = "2018-02-01";

/// The provider that answers token requests. `Debug` never shows a secret.
#[derive(Clone, Default)]
pub enum Provider {
    /// No provider: every token request fails, saying so.
    #[default]
    None,
    /// App Service / Container Apps: `IDENTITY_ENDPOINT` with `IDENTITY_HEADER`.
    AppService {
        /// `IDENTITY_ENDPOINT`.
        endpoint: String,
        /// `IDENTITY_HEADER`, sent as `X-IDENTITY-HEADER`.
        header: String,
    },
    /// The Instance Metadata Service (`Metadata: true`).
    Imds {
        /// The token endpoint.
        endpoint: String,
    },
    /// Entra client credentials: a client secret.
    ClientSecret {
        /// Authority host (`AZURE_AUTHORITY_HOST`).
        authority: String,
        /// `AZURE_TENANT_ID`.
        tenant: String,
        /// `AZURE_CLIENT_ID`.
        client_id: String,
        /// `AZURE_CLIENT_SECRET`.
        secret: String,
    },
    /// Workload identity federation: a client assertion read from a file at each fetch.
    Federated {
        /// Authority host (`AZURE_AUTHORITY_HOST`).
        authority: String,
        /// `AZURE_TENANT_ID`.
        tenant: String,
        /// `AZURE_CLIENT_ID`.
        client_id: String,
        /// `AZURE_FEDERATED_TOKEN_FILE`.
        token_file: PathBuf,
    },
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The `--token-provider` choices.
pub const CHOICES: &[&str] = &[
    "auto",
    "client-secret",
    "workload-identity",
    "app-service",
    "imds",
    "none",
];

impl Provider {
    /// The provider's name (as `--token-provider` spells it).
    pub fn name(&self) -> &'static str {
        match self {
            Provider::None => "none",
            Provider::AppService { .. } => "app-service",
            Provider::Imds { .. } => "imds",
            Provider::ClientSecret { .. } => "client-secret",
            Provider::Federated { .. } => "workload-identity",
        }
    }

    /// The provider `choice` names, configured from the environment `env`. `auto` takes
    /// the first whose variables are all set: client secret, workload identity, App
    /// Service; else none (IMDS is only used when chosen).
    pub fn from_env(
        choice: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Provider, String> {
        let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let need = |k: &str| get(k).ok_or_else(|| format!("--token-provider {choice} needs {k}"));
        let authority = || {
            get("AZURE_AUTHORITY_HOST")
                .unwrap_or_else(|| DEFAULT_AUTHORITY.to_string())
                .trim_end_matches('/')
                .to_string()
        };
        let secret = || -> Result<Provider, String> {
            Ok(Provider::ClientSecret {
                authority: authority(),
                tenant: need("AZURE_TENANT_ID")?,
                client_id: need("AZURE_CLIENT_ID")?,
                secret: need("AZURE_CLIENT_SECRET")?,
            })
        };
        let federated = || -> Result<Provider, String> {
            Ok(Provider::Federated {
                authority: authority(),
                tenant: need("AZURE_TENANT_ID")?,
                client_id: need("AZURE_CLIENT_ID")?,
                token_file: need("AZURE_FEDERATED_TOKEN_FILE")?.into(),
            })
        };
        let app_service = || -> Result<Provider, String> {
            Ok(Provider::AppService {
                endpoint: need("IDENTITY_ENDPOINT")?,
                header: need("IDENTITY_HEADER")?,
            })
        };
        let imds = || Provider::Imds {
            endpoint: get("GATEHOUSE_IMDS_ENDPOINT").unwrap_or_else(|| DEFAULT_IMDS.to_string()),
        };
        match choice {
            "auto" => Ok(secret()
                .or_else(|_| federated())
                .or_else(|_| app_service())
                .unwrap_or(Provider::None)),
            "client-secret" => secret(),
            "workload-identity" => federated(),
            "app-service" => app_service(),
            "imds" => Ok(imds()),
            "none" => Ok(Provider::None),
            other => Err(format!(
                "unknown token provider '{other}' (one of {})",
                CHOICES.join(", ")
            )),
        }
    }
}

/// The scope Entra's v2 endpoint takes for `resource` (as the Azure SDKs form it).
pub fn scope_of(resource: &str) -> String {
    if resource.ends_with("/.default") {
        resource.to_string()
    } else if resource.ends_with('/') {
        format!("{resource}.default")
    } else {
        format!("{resource}/.default")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_prefers_client_secret_then_federation_then_app_service() {
        let all = env(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_SECRET", "s"),
            ("AZURE_FEDERATED_TOKEN_FILE", "/f"),
            ("IDENTITY_ENDPOINT", "http://e"),
            ("IDENTITY_HEADER", "h"),
        ]);
        assert_eq!(
            Provider::from_env("auto", &all).unwrap().name(),
            "client-secret"
        );
        let fed = env(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_FEDERATED_TOKEN_FILE", "/f"),
            ("AZURE_AUTHORITY_HOST", "http://127.0.0.1:1/"),
        ]);
        match Provider::from_env("auto", &fed).unwrap() {
            Provider::Federated { authority, .. } => assert_eq!(authority, "http://127.0.0.1:1"),
            p => panic!("{p:?}"),
        }
        let app = env(&[("IDENTITY_ENDPOINT", "http://e"), ("IDENTITY_HEADER", "h")]);
        assert_eq!(
            Provider::from_env("auto", &app).unwrap().name(),
            "app-service"
        );
        assert_eq!(
            Provider::from_env("auto", &env(&[])).unwrap().name(),
            "none"
        );
        assert!(Provider::from_env("client-secret", &app).is_err());
        assert!(Provider::from_env("bogus", &app).is_err());
        assert_eq!(
            Provider::from_env("imds", &env(&[])).unwrap().name(),
            "imds"
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Provider::ClientSecret {
            authority: "a".into(),
            tenant: "t".into(),
            client_id: "c".into(),
            secret: "hunter2".into(),
        };
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn scopes_follow_the_sdks() {
        assert_eq!(
            scope_of("https://vault.azure.net"),
            "https://vault.azure.net/.default"
        );
        assert_eq!(
            scope_of("https://management.azure.com/"),
            "https://management.azure.com/.default"
        );
        assert_eq!(scope_of("api://x/.default"), "api://x/.default");
    }
}
