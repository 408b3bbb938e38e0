//! A test request may present a client certificate: `context.Request.Certificate` and
//! `validate-client-certificate` see it as they would through the HTTPS listener.

mod common;
use common::{mismatches, run};

const POLICY: &str = r#"<policies>
    <inbound>
        <return-response>
            <set-status code="200" reason="OK" />
            <set-header name="X-Subject" exists-action="override">
                <value>@(context.Request.Certificate == null ? "none" : context.Request.Certificate.Subject)</value>
            </set-header>
        </return-response>
    </inbound>
</policies>"#;

/// A self-signed test certificate (P-256), valid until 2126.
const YAML: &str = r#"
cases:
  - name: with a certificate
    request:
      url: /shop/items/1
      client-certificate: |
        -----BEGIN CERTIFICATE-----
        MIIBpzCCAU2gAwIBAgIUTTitbXe//XBbFKdBA+nPun13iOwwCgYIKoZIzj0EAwIw
        KDEQMA4GA1UECgwHQ29udG9zbzEUMBIGA1UEAwwLdGVzdCBjbGllbnQwIBcNMjYx
        MjA4MDA1NzUyWhgPMjEyNjExMTQwMDU3NTJaMCgxEDAOBgNVBAoMB0NvbnRvc28x
        FDASBgNVBAMMC3Rlc3QgY2xpZW50MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
        9l2qF7hBrF0eXuIz3WhFBfa6tay9vPwsqhJuhSv7W2mTJsZtXsKV56iDw9ktPx/g
        UIUGA/OeKCQlMBZrflVOK6NTMFEwHQYDVR0OBBYEFDnKk2acG6D3VnXIZPDCq2lK
        OslaMB8GA1UdIwQYMBaAFDnKk2acG6D3VnXIZPDCq2lKOslaMA8GA1UdEwEB/wQF
        MAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAJjr+NkuogeZuWpl5Gu/GfvVnHRwnRCW
        1ggdFQ5ahg+vAiAGIAx7anpWAzO5vqjsf8RRql/S687H6l2dqhjOkcKimQ==
        -----END CERTIFICATE-----
    expect:
      status: 200
      headers: { X-Subject: "CN=test client, O=Contoso" }
  - name: without one
    request: { url: /shop/items/1 }
    expect:
      headers: { X-Subject: none }
  - name: not a certificate
    request: { url: /shop/items/1, client-certificate: "hello" }
    expect: { status: 200 }
"#;

#[test]
fn the_client_certificate_reaches_expressions() {
    let r = run(POLICY, YAML);
    let wrong = mismatches(&r);
    // Only the last case fails, and it says why: the text is no certificate.
    assert!(
        wrong.iter().all(|w| w.starts_with("not a certificate:")),
        "{wrong:?}"
    );
    assert!(
        wrong
            .iter()
            .any(|w| w.contains("problem") && w.contains("client-certificate")),
        "{wrong:?}"
    );
}
