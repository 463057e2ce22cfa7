// SPDX-License-Identifier: GPL-2.0
//! The securityfs `evm` file (`evm_read_key()`, `evm_write_key()`):
//! `evm_initialized`'s bits and the rules for setting them.

/// `evm_initialized`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(pub u32);

/// Why a write to `evm` is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// Not a number as `kstrtouint(.., 0, ..)` reads one (`EINVAL`), or
    /// out of range (`ERANGE`).
    Number(i32),
    /// Zero or unknown bits (`EINVAL`).
    InvalidBits,
    /// After setup completed (the HMAC key or the lock bit), or metadata
    /// writes asked for with an HMAC key loaded (`EPERM`).
    NotPermitted,
}

impl WriteError {
    /// The (positive) errno.
    pub const fn errno(self) -> i32 {
        match self {
            Self::Number(e) => e,
            Self::InvalidBits => 22,
            Self::NotPermitted => 1,
        }
    }
}

/// An accepted write: load the HMAC key if asked, then [`Self::apply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagsWrite {
    bits: u32,
}

impl FlagsWrite {
    /// Whether the HMAC key (`evm-key`) must be loaded first; if that
    /// fails, the write fails with its error and nothing changes.
    pub const fn loads_hmac_key(self) -> bool {
        self.bits & Flags::INIT_HMAC != 0
    }

    /// The flags after the write.
    pub const fn apply(self, old: Flags) -> Flags {
        let mut bits = self.bits;
        if bits & Flags::INIT_HMAC != 0 {
            // No further writes once the symmetric key is in.
            bits |= Flags::SETUP_COMPLETE;
        }
        let mut new = old.0 | bits;
        if new & Flags::INIT_HMAC != 0 {
            new &= !Flags::ALLOW_METADATA_WRITES;
        }
        Flags(new)
    }
}

impl Flags {
    /// `EVM_INIT_HMAC`.
    pub const INIT_HMAC: u32 = 0x1;
    /// `EVM_INIT_X509`.
    pub const INIT_X509: u32 = 0x2;
    /// `EVM_ALLOW_METADATA_WRITES`.
    pub const ALLOW_METADATA_WRITES: u32 = 0x4;
    /// `EVM_SETUP_COMPLETE`.
    pub const SETUP_COMPLETE: u32 = 0x8000_0000;
    /// `EVM_INIT_MASK`: every bit a write may carry.
    pub const INIT_MASK: u32 =
        Self::INIT_HMAC | Self::INIT_X509 | Self::SETUP_COMPLETE | Self::ALLOW_METADATA_WRITES;

    /// `evm_key_loaded()`: EVM verifies anything at all.
    pub const fn key_loaded(self) -> bool {
        self.0 & (Self::INIT_HMAC | Self::INIT_X509) != 0
    }

    /// An HMAC key is loaded: HMACs are verified and kept up to date.
    pub const fn hmac(self) -> bool {
        self.0 & Self::INIT_HMAC != 0
    }

    /// `EVM_ALLOW_METADATA_WRITES`: protected metadata may change freely.
    pub const fn metadata_writes_allowed(self) -> bool {
        self.0 & Self::ALLOW_METADATA_WRITES != 0
    }

    /// `evm_hmac_disabled()`: no HMAC key, and none can come any more,
    /// so letting unverifiable metadata change makes nothing worse.
    pub const fn hmac_disabled(self) -> bool {
        self.0 & Self::INIT_HMAC == 0 && self.0 & Self::SETUP_COMPLETE != 0
    }

    /// What reading `evm` shows: the bits but the lock, in decimal.
    pub const fn shown(self) -> u32 {
        self.0 & !Self::SETUP_COMPLETE
    }

    /// Judges a write of `text` by a task with `CAP_SYS_ADMIN` (without
    /// it, upstream refuses with `EPERM` before reading).
    pub fn plan_write(self, text: &[u8]) -> Result<FlagsWrite, WriteError> {
        if self.0 & Self::SETUP_COMPLETE != 0 {
            return Err(WriteError::NotPermitted);
        }
        let bits = kstrtouint(text).map_err(WriteError::Number)?;
        if bits == 0 || bits & !Self::INIT_MASK != 0 {
            return Err(WriteError::InvalidBits);
        }
        if bits & Self::ALLOW_METADATA_WRITES != 0 && self.hmac() {
            return Err(WriteError::NotPermitted);
        }
        Ok(FlagsWrite { bits })
    }
}

/// `kstrtouint(s, 0, ..)` on a user buffer: an optional `+`, then
/// `0x`/`0X` hexadecimal, `0` octal or decimal digits, then at most one
/// newline. Errors are positive errnos (`EINVAL`, `ERANGE`).
pub(crate) fn kstrtouint(text: &[u8]) -> Result<u32, i32> {
    const EINVAL: i32 = 22;
    const ERANGE: i32 = 34;
    let s = text.strip_suffix(b"\n").unwrap_or(text);
    let s = s.strip_prefix(b"+").unwrap_or(s);
    let (radix, digits) = if let Some(h) = s
        .strip_prefix(b"0x")
        .or_else(|| s.strip_prefix(b"0X"))
        .filter(|h| h.first().is_some_and(u8::is_ascii_hexdigit))
    {
        (16, h)
    } else if s.len() > 1 && s[0] == b'0' {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if digits.is_empty() {
        return Err(EINVAL);
    }
    let mut v: u32 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix).ok_or(EINVAL)?;
        v = v
            .checked_mul(radix)
            .and_then(|v| v.checked_add(d))
            .ok_or(ERANGE)?;
    }
    Ok(v)
}
