//! `authentication-basic`: user name and password, literal (secrets kept as references)
//! or expressions.

use super::Lowering;
use gatehouse_runtime::program::{AuthenticationBasic, OpKind};

/// `authentication-basic`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "authentication-basic",
    attributes: &["username", "password"],
    lower: |b, env, site, e| {
        let username = b.attr(env, site, e, "username")?.ok_or(b.unreported())?;
        let password = b.attr(env, site, e, "password")?.ok_or(b.unreported())?;
        Ok(OpKind::AuthenticationBasic(AuthenticationBasic {
            username,
            password,
        }))
    },
};
