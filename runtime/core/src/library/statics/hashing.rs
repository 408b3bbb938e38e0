//! Hash algorithms: `MD5`/`SHA*` factories, `HashData`, HMAC constructors and `ComputeHash`.

use crate::library::{arg, bytes, bytes_arg, m, no_member, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use gatehouse_dotnet::crypto::{compute_hash, hmac, HashAlgorithm};

fn algorithm(ty: &str) -> Option<HashAlgorithm> {
    Some(match ty.trim_start_matches("HMAC") {
        "MD5" => HashAlgorithm::Md5,
        "SHA1" => HashAlgorithm::Sha1,
        "SHA256" => HashAlgorithm::Sha256,
        "SHA384" => HashAlgorithm::Sha384,
        "SHA512" => HashAlgorithm::Sha512,
        _ => return None,
    })
}

fn hashing(
    vm: &mut Vm<'_>,
    ty: &'static str,
    name: &'static str,
    a: &[Value],
) -> Result<Value, Fault> {
    let alg = algorithm(ty).ok_or_else(|| no_member(ty))?;
    match name {
        "Create" => vm.alloc(Obj::Hash(alg, None)),
        ".ctor" => {
            let key = bytes_arg(vm, a, 0)?;
            vm.alloc(Obj::Hash(alg, Some(key)))
        }
        _ => {
            let data = bytes_arg(vm, a, 0)?;
            bytes(vm, compute_hash(alg, &data))
        }
    }
}

fn compute(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let Value::Ref(r) = arg(a, 0) else {
        return Err(Fault::null());
    };
    let (alg, key) = match vm.heap.get(*r) {
        Obj::Hash(alg, key) => (*alg, key.clone()),
        _ => return Err(no_member(name)),
    };
    let data = bytes_arg(vm, a, 1)?;
    let out = match key {
        Some(k) => hmac(alg, &k, &data),
        None => compute_hash(alg, &data),
    };
    bytes(vm, out)
}

macro_rules! hash {
    ($ty:literal) => {
        [
            m!($ty, "Create", Static, [], "HashAlgorithm", |vm, n, a| {
                hashing(vm, $ty, n, a)
            }),
            m!($ty, "HashData", Static, ["byte[]"], "byte[]", |vm, n, a| {
                hashing(vm, $ty, n, a)
            }),
            m!(
                concat!("HMAC", $ty),
                ".ctor",
                Constructor,
                ["byte[]"],
                "HMAC",
                |vm, n, a| hashing(vm, concat!("HMAC", $ty), n, a)
            ),
        ]
    };
}

const MD5: [MemberSpec; 3] = hash!("MD5");
const SHA1: [MemberSpec; 3] = hash!("SHA1");
const SHA256: [MemberSpec; 3] = hash!("SHA256");
const SHA384: [MemberSpec; 3] = hash!("SHA384");
const SHA512: [MemberSpec; 3] = hash!("SHA512");

/// Hashing members, in table order.
pub(in crate::library) const MEMBERS: &[MemberSpec] = &[
    MD5[0],
    MD5[1],
    MD5[2],
    SHA1[0],
    SHA1[1],
    SHA1[2],
    SHA256[0],
    SHA256[1],
    SHA256[2],
    SHA384[0],
    SHA384[1],
    SHA384[2],
    SHA512[0],
    SHA512[1],
    SHA512[2],
    m!(
        "HashAlgorithm",
        "ComputeHash",
        Method,
        ["byte[]"],
        "byte[]",
        compute
    ),
];
