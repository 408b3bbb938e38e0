//! [`Verifier`]: a signature key prepared once, when the key is loaded (an inline key at
//! gateway start, a JWKS key when the set is fetched, a certificate when the operator adds
//! it), so that a request pays only for the signature check itself.
//!
//! RSA keys of 2048 to 8192 bits, ECDSA (P-256, P-384) and Ed25519 keys verify with `ring`
//! (already the gateway's TLS provider); HMAC keys are expanded once. RSA keys below 2048
//! bits, which `ring` refuses and .NET still verifies (its floor for verifying is 1024
//! bits), keep `jsonwebtoken`'s RustCrypto path.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind};
use ring::{hmac, signature};

/// Fewest modulus bits `ring` verifies; smaller RSA keys take the RustCrypto path.
const RING_RSA_MIN_BITS: usize = 2048;

/// A prepared verification key.
pub(crate) enum Verifier {
    /// An HMAC secret expanded for HS256, HS384 and HS512 (boxed: the keys are large).
    Hmac(Box<[hmac::Key; 3]>),
    /// An RSA public key (modulus and exponent, big-endian, no leading zeros).
    Rsa(signature::RsaPublicKeyComponents<Vec<u8>>),
    /// An EC public key as its uncompressed SEC1 point.
    Ec(Vec<u8>),
    /// An Ed25519 public key.
    Ed(Vec<u8>),
    /// An RSA key `ring` does not take (below 2048 bits): verified by `jsonwebtoken`.
    Legacy(DecodingKey),
}

impl Verifier {
    /// An HMAC secret, expanded for HS256, HS384 and HS512.
    pub(crate) fn hmac(secret: &[u8]) -> Verifier {
        Verifier::Hmac(Box::new([
            hmac::Key::new(hmac::HMAC_SHA256, secret),
            hmac::Key::new(hmac::HMAC_SHA384, secret),
            hmac::Key::new(hmac::HMAC_SHA512, secret),
        ]))
    }

    /// Prepares `key` (parsed by `jsonwebtoken`) once.
    pub(crate) fn prepare(key: DecodingKey) -> Result<Verifier, String> {
        match (key.family(), key.kind()) {
            (AlgorithmFamily::Hmac, DecodingKeyKind::SecretOrDer(secret)) => {
                Ok(Verifier::hmac(secret))
            }
            (AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                Ok(rsa(n, e).unwrap_or(Verifier::Legacy(key)))
            }
            (AlgorithmFamily::Rsa, DecodingKeyKind::SecretOrDer(der)) => {
                let (n, e) = rsa_public_key_der(der).ok_or("not an RSA public key")?;
                Ok(rsa(n, e).unwrap_or(Verifier::Legacy(key)))
            }
            (AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
                Ok(Verifier::Ec(point.clone()))
            }
            (AlgorithmFamily::Ed, DecodingKeyKind::SecretOrDer(x)) => Ok(Verifier::Ed(x.clone())),
            _ => Err("an unsupported key".to_string()),
        }
    }

    /// Whether `signature` (Base64url) signs `message` with `alg` under this key (the
    /// caller has checked that the key allows `alg`).
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], signature: &str) -> bool {
        if let Verifier::Legacy(key) = self {
            return jsonwebtoken::crypto::verify(signature, message, key, alg).unwrap_or(false);
        }
        let Ok(sig) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        match self {
            Verifier::Hmac(keys) => {
                let [sha256, sha384, sha512] = &**keys;
                let key = match alg {
                    Algorithm::HS256 => sha256,
                    Algorithm::HS384 => sha384,
                    Algorithm::HS512 => sha512,
                    _ => return false,
                };
                hmac::verify(key, message, &sig).is_ok()
            }
            Verifier::Rsa(key) => {
                let params = match alg {
                    Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                    Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                    Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                    Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
                    Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
                    Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
                    _ => return false,
                };
                key.verify(params, message, &sig).is_ok()
            }
            Verifier::Ec(point) => {
                let params = match alg {
                    Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
                    Algorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
                    _ => return false,
                };
                signature::UnparsedPublicKey::new(params, point)
                    .verify(message, &sig)
                    .is_ok()
            }
            Verifier::Ed(x) => {
                alg == Algorithm::EdDSA
                    && signature::UnparsedPublicKey::new(&signature::ED25519, x)
                        .verify(message, &sig)
                        .is_ok()
            }
            Verifier::Legacy(_) => false,
        }
    }
}

/// The `ring` form of an RSA key of 2048 bits or more (`None`: smaller, or zero).
fn rsa(n: &[u8], e: &[u8]) -> Option<Verifier> {
    let n = strip_zeros(n);
    let e = strip_zeros(e);
    let bits = n.len() * 8 - n.first()?.leading_zeros() as usize;
    (bits >= RING_RSA_MIN_BITS && !e.is_empty()).then(|| {
        Verifier::Rsa(signature::RsaPublicKeyComponents {
            n: n.to_vec(),
            e: e.to_vec(),
        })
    })
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[start..]
}

/// The modulus and exponent of a PKCS#1 `RSAPublicKey` (DER `SEQUENCE { INTEGER n,
/// INTEGER e }`), as the certificate's subject public key holds it.
fn rsa_public_key_der(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (body, rest) = der_item(der, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (n, body) = der_item(body, 0x02)?;
    let (e, body) = der_item(body, 0x02)?;
    body.is_empty().then_some((n, e))
}

/// One DER item of `tag`: its contents and what follows it.
fn der_item(b: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, b) = b.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, b) = b.split_first()?;
    let (len, b) = if first < 0x80 {
        (first as usize, b)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || b.len() < count {
            return None;
        }
        let len = b[..count]
            .iter()
            .fold(0usize, |l, &x| (l << 8) | x as usize);
        (len, &b[count..])
    };
    (b.len() >= len).then(|| b.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_are_bounded_and_exact() {
        // SEQUENCE { INTEGER 0x0101, INTEGER 3 }
        let der = [0x30, 0x07, 0x02, 0x02, 0x01, 0x01, 0x02, 0x01, 0x03];
        assert_eq!(rsa_public_key_der(&der), Some((&[1u8, 1][..], &[3u8][..])));
        assert_eq!(rsa_public_key_der(&der[..8]), None, "truncated");
        let long = [0x30, 0x84, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(rsa_public_key_der(&long), None, "length beyond the input");
        let mut trailing = der.to_vec();
        trailing.push(0);
        assert_eq!(rsa_public_key_der(&trailing), None, "bytes after the key");
    }

    #[test]
    fn small_rsa_keys_keep_the_rustcrypto_path() {
        let n = [0xc5u8; 128]; // 1024 bits
        let key = DecodingKey::from_rsa_raw_components(&n, &[1, 0, 1]);
        assert!(matches!(Verifier::prepare(key), Ok(Verifier::Legacy(_))));
        let n = [0xc5u8; 256]; // 2048 bits
        let key = DecodingKey::from_rsa_raw_components(&n, &[1, 0, 1]);
        assert!(matches!(Verifier::prepare(key), Ok(Verifier::Rsa(_))));
    }
}
