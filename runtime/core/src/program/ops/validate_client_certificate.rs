//! `validate-client-certificate`: the checks of the client's TLS certificate and the
//! identities it may match.

use super::{OpData, Printer, Refs};
use crate::bundle::{many, put_flags, put_len, put_opt, BundleError, ProgramReader};
use crate::program::StrId;

/// The claims of one `<identity>`, in [`CertIdentity::NAMES`] order; `None`: not checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CertIdentity {
    /// `thumbprint`, `serial-number`, `common-name`, `subject`, `dns-name`,
    /// `issuer-subject`, `issuer-thumbprint`, `issuer-certificate-id`.
    pub claims: [Option<StrId>; 8],
}

impl CertIdentity {
    /// The attribute names of the claims, in order.
    pub const NAMES: [&'static str; 8] = [
        "thumbprint",
        "serial-number",
        "common-name",
        "subject",
        "dns-name",
        "issuer-subject",
        "issuer-thumbprint",
        "issuer-certificate-id",
    ];
}

/// `validate-client-certificate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidateClientCertificate {
    /// `validate-revocation` (default `true`).
    pub validate_revocation: bool,
    /// `validate-trust` (default `true`).
    pub validate_trust: bool,
    /// `validate-not-before` (default `true`).
    pub validate_not_before: bool,
    /// `validate-not-after` (default `true`).
    pub validate_not_after: bool,
    /// `ignore-error` (default `false`): a failed validation lets the request through.
    pub ignore_error: bool,
    /// `<identities>`: the certificate must match every claim of one of them (none: any).
    pub identities: Vec<CertIdentity>,
}

impl OpData for ValidateClientCertificate {
    fn write(&self, w: &mut Vec<u8>) {
        put_flags(
            w,
            &[
                self.validate_revocation,
                self.validate_trust,
                self.validate_not_before,
                self.validate_not_after,
                self.ignore_error,
            ],
        );
        put_len(w, self.identities.len());
        for i in &self.identities {
            i.claims.iter().for_each(|c| put_opt(w, *c));
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let [validate_revocation, validate_trust, validate_not_before, validate_not_after, ignore_error] =
            r.flags::<5>("validate-client-certificate flags")?;
        let n = r.list("identities", 8)?;
        let identities = many(n, || {
            let mut claims = [None; 8];
            for c in &mut claims {
                *c = r.opt_str("an identity claim")?;
            }
            Ok(CertIdentity { claims })
        })?;
        Ok(ValidateClientCertificate {
            validate_revocation,
            validate_trust,
            validate_not_before,
            validate_not_after,
            ignore_error,
            identities,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} revocation={} trust={} not-before={} not-after={} ignore-error={}",
            self.validate_revocation,
            self.validate_trust,
            self.validate_not_before,
            self.validate_not_after,
            self.ignore_error
        );
        for i in &self.identities {
            let claims: Vec<String> = CertIdentity::NAMES
                .iter()
                .zip(&i.claims)
                .filter_map(|(n, c)| c.map(|c| format!("{n}={:?}", p.s(c))))
                .collect();
            s.push_str(&format!(" identity({})", claims.join(" ")));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        for i in &self.identities {
            i.claims.iter().flatten().for_each(|c| v.string(*c));
        }
    }
}
