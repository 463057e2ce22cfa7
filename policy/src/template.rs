// SPDX-License-Identifier: GPL-2.0
//! The built-in template names `template=` accepts (`builtin_templates[]`,
//! security/integrity/ima/ima_template.c).

/// A built-in template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// `ima`: `d|n`.
    Ima,
    /// `ima-ng`: `d-ng|n-ng`.
    ImaNg,
    /// `ima-sig`: `d-ng|n-ng|sig`.
    ImaSig,
    /// `ima-ngv2`: `d-ngv2|n-ng`.
    ImaNgv2,
    /// `ima-sigv2`: `d-ngv2|n-ng|sig`.
    ImaSigv2,
    /// `ima-buf`: `d-ng|n-ng|buf`.
    ImaBuf,
    /// `ima-modsig`: `d-ng|n-ng|sig|d-modsig|modsig`.
    ImaModsig,
    /// `evm-sig`.
    EvmSig,
}

impl Template {
    /// Every built-in template, in `builtin_templates[]` order.
    pub const ALL: [Template; 8] = [
        Self::Ima,
        Self::ImaNg,
        Self::ImaSig,
        Self::ImaNgv2,
        Self::ImaSigv2,
        Self::ImaBuf,
        Self::ImaModsig,
        Self::EvmSig,
    ];

    /// The name `ima_policy_show()` prints.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ima => "ima",
            Self::ImaNg => "ima-ng",
            Self::ImaSig => "ima-sig",
            Self::ImaNgv2 => "ima-ngv2",
            Self::ImaSigv2 => "ima-sigv2",
            Self::ImaBuf => "ima-buf",
            Self::ImaModsig => "ima-modsig",
            Self::EvmSig => "evm-sig",
        }
    }

    /// The template's field format string.
    pub const fn fmt(self) -> &'static str {
        match self {
            Self::Ima => "d|n",
            Self::ImaNg => "d-ng|n-ng",
            Self::ImaSig => "d-ng|n-ng|sig",
            Self::ImaNgv2 => "d-ngv2|n-ng",
            Self::ImaSigv2 => "d-ngv2|n-ng|sig",
            Self::ImaBuf => "d-ng|n-ng|buf",
            Self::ImaModsig => "d-ng|n-ng|sig|d-modsig|modsig",
            Self::EvmSig => "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode",
        }
    }

    /// `lookup_template_desc()` over the built-ins: matches a template's
    /// name or its format string.
    pub fn lookup(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == s || t.fmt() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::Template;

    #[test]
    fn looks_up_by_name_or_format() {
        assert_eq!(Template::lookup("ima-ng"), Some(Template::ImaNg));
        assert_eq!(Template::lookup("d-ng|n-ng"), Some(Template::ImaNg));
        assert_eq!(Template::lookup("d|n"), Some(Template::Ima));
        assert_eq!(Template::lookup("ima-sigv3"), None);
        assert_eq!(Template::lookup(""), None);
    }
}
