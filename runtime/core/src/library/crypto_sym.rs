//! `byte[].Encrypt(alg, key, iv)` / `Decrypt(alg, key, iv)`: symmetric encryption by
//! algorithm name with .NET's defaults (CBC, PKCS7 padding).
//!
//! `Aes` (and its aliases `AesManaged`, `AesCryptoServiceProvider`, `Rijndael`,
//! `RijndaelManaged` with their default 128-bit block) is implemented; other algorithm names
//! are not supported. A key other than 16, 24 or 32 bytes, an IV other than 16 bytes, a
//! ciphertext that is not whole blocks and bad padding raise .NET's
//! `CryptographicException` messages (as a `System.Exception` fault).

use super::{bytes, bytes_arg, member_table, str_arg, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, FaultKind, Vm};
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

/// A `CryptographicException` with this message.
fn crypto(message: &str) -> Fault {
    Fault::new(
        FaultKind::Exception,
        format!("System.Security.Cryptography.CryptographicException: {message}"),
    )
}

/// AES-CBC with PKCS7 in direction `encrypt`.
fn aes_cbc(encrypt: bool, data: &[u8], key: &[u8], iv: &[u8]) -> Result<Vec<u8>, Fault> {
    if iv.len() != 16 {
        return Err(crypto(
            "Specified initialization vector (IV) does not match the block size for this algorithm.",
        ));
    }
    if !encrypt && data.len() % 16 != 0 {
        return Err(crypto("The input data is not a complete block."));
    }
    let bad_key = || crypto("Specified key is not a valid size for this algorithm.");
    let bad_pad = |_| crypto("Padding is invalid and cannot be removed.");
    macro_rules! run {
        ($c:ty) => {
            if encrypt {
                Ok(cbc::Encryptor::<$c>::new_from_slices(key, iv)
                    .map_err(|_| bad_key())?
                    .encrypt_padded_vec_mut::<Pkcs7>(data))
            } else {
                cbc::Decryptor::<$c>::new_from_slices(key, iv)
                    .map_err(|_| bad_key())?
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .map_err(bad_pad)
            }
        };
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        32 => run!(aes::Aes256),
        _ => Err(bad_key()),
    }
}

/// `Encrypt(alg, key, iv)` and `Decrypt(alg, key, iv)` on `byte[]`.
fn crypt(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let data = bytes_arg(vm, a, 0)?;
    let alg = str_arg(a, 1)?.to_string();
    let key = bytes_arg(vm, a, 2)?;
    let iv = bytes_arg(vm, a, 3)?;
    let short = alg.rsplit('.').next().unwrap_or(&alg);
    let out = match short {
        "Aes"
        | "AesManaged"
        | "AesCryptoServiceProvider"
        | "AesCng"
        | "Rijndael"
        | "RijndaelManaged" => aes_cbc(name == "Encrypt", &data, &key, &iv)?,
        _ => {
            return Err(Fault::unsupported(format!(
                "symmetric algorithm '{alg}' (only Aes)"
            )))
        }
    };
    bytes(vm, out)
}

/// `Encrypt` / `Decrypt` by algorithm name.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "byte[]" {
        Method "Encrypt"("string", "byte[]", "byte[]") -> "byte[]" => crypt;
        Method "Decrypt"("string", "byte[]", "byte[]") -> "byte[]" => crypt;
    }
};
