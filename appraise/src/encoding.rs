// SPDX-License-Identifier: GPL-2.0
//! The signature encoding a public key's algorithm needs, as upstream's
//! `asymmetric_verify()` chooses it before `verify_signature()`.

/// How a signature's bytes are laid out for the key's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigEncoding {
    /// RSA: PKCS#1 v1.5.
    Pkcs1,
    /// ECDSA (any curve): ASN.1 DER as X9.62 defines it.
    X962,
    /// EC-RDSA (GOST): the raw signature.
    Raw,
}

impl SigEncoding {
    /// The encoding for a key whose `public_key.pkey_algo` is `pkey_algo`;
    /// `None` for an algorithm IMA cannot verify (`-ENOPKG` upstream).
    pub fn for_key(pkey_algo: &[u8]) -> Option<Self> {
        match pkey_algo {
            b"rsa" => Some(Self::Pkcs1),
            b"ecrdsa" => Some(Self::Raw),
            a if a.starts_with(b"ecdsa-") => Some(Self::X962),
            _ => None,
        }
    }

    /// The name `public_key_signature.encoding` takes.
    pub fn name(self) -> &'static core::ffi::CStr {
        match self {
            Self::Pkcs1 => c"pkcs1",
            Self::X962 => c"x962",
            Self::Raw => c"raw",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SigEncoding;

    #[test]
    fn each_key_algorithm_gets_upstreams_encoding() {
        assert_eq!(SigEncoding::for_key(b"rsa"), Some(SigEncoding::Pkcs1));
        assert_eq!(
            SigEncoding::for_key(b"ecdsa-nist-p256"),
            Some(SigEncoding::X962)
        );
        assert_eq!(
            SigEncoding::for_key(b"ecdsa-nist-p384"),
            Some(SigEncoding::X962)
        );
        assert_eq!(SigEncoding::for_key(b"ecrdsa"), Some(SigEncoding::Raw));
        assert_eq!(
            SigEncoding::for_key(b"ecdsa"),
            None,
            "upstream wants the curve"
        );
        assert_eq!(SigEncoding::for_key(b"rsa-pss"), None);
        assert_eq!(SigEncoding::for_key(b"sm2"), None);
        assert_eq!(SigEncoding::for_key(b""), None);
        assert_eq!(SigEncoding::Pkcs1.name().to_bytes(), b"pkcs1");
        assert_eq!(SigEncoding::X962.name().to_bytes(), b"x962");
        assert_eq!(SigEncoding::Raw.name().to_bytes(), b"raw");
    }
}
