// SPDX-License-Identifier: GPL-2.0
//! Keylime runtime policies (the JSON `keylime-policy create runtime`
//! writes, format version 1): `digests` maps a path to its allowed hex
//! digests, `excludes` lists regular expressions of paths not checked.
//! Only what checking a namespace's file entries needs is read.

use regex::Regex;
use std::collections::HashMap;

/// An allowlist.
#[derive(Debug)]
pub struct RuntimePolicy {
    digests: HashMap<String, Vec<String>>,
    excludes: Option<Regex>,
}

/// What the policy says about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The path and digest are allowed.
    Allowed,
    /// The path matches an exclude.
    Excluded,
    /// The path is not in the policy.
    UnknownPath,
    /// The path is, with other digests.
    DigestNotAllowed,
}

impl RuntimePolicy {
    /// Parses a runtime policy (JSON).
    pub fn parse(json: &str) -> Result<Self, String> {
        let v: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("runtime policy is not JSON: {e}"))?;
        let obj = v.as_object().ok_or("runtime policy is not a JSON object")?;
        let mut digests = HashMap::new();
        if let Some(d) = obj.get("digests") {
            let d = d
                .as_object()
                .ok_or("runtime policy: \"digests\" is not an object")?;
            for (path, list) in d {
                let list = list
                    .as_array()
                    .ok_or_else(|| format!("runtime policy: digests of {path:?} are not a list"))?;
                let mut hexes = Vec::new();
                for h in list {
                    let h = h.as_str().ok_or_else(|| {
                        format!("runtime policy: a digest of {path:?} is not a string")
                    })?;
                    hexes.push(h.to_ascii_lowercase());
                }
                digests.insert(path.clone(), hexes);
            }
        }
        let mut pats = Vec::new();
        if let Some(e) = obj.get("excludes") {
            for p in e
                .as_array()
                .ok_or("runtime policy: \"excludes\" is not a list")?
            {
                let p = p
                    .as_str()
                    .ok_or("runtime policy: an exclude is not a string")?;
                Regex::new(p).map_err(|e| format!("runtime policy: exclude {p:?}: {e}"))?;
                pats.push(format!("(?:{p})"));
            }
        }
        // As keylime: one alternation, matched at the start of the path.
        let excludes = if pats.is_empty() {
            None
        } else {
            Some(
                Regex::new(&format!("^(?:{})", pats.join("|")))
                    .map_err(|e| format!("runtime policy: excludes: {e}"))?,
            )
        };
        Ok(Self { digests, excludes })
    }

    /// Checks `path` with file digest `digest_hex`.
    pub fn check(&self, path: &str, digest_hex: &str) -> Verdict {
        if self.excludes.as_ref().is_some_and(|r| r.is_match(path)) {
            return Verdict::Excluded;
        }
        match self.digests.get(path) {
            None => Verdict::UnknownPath,
            Some(list) if list.iter().any(|d| d == digest_hex) => Verdict::Allowed,
            Some(_) => Verdict::DigestNotAllowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keylime_policy_checks() {
        let p = RuntimePolicy::parse(
            r#"{"meta": {"version": 1}, "release": 0,
                "digests": {"/bin/true": ["AA11", "bb22"]},
                "excludes": ["/tmp/.*", "boot_aggregate"],
                "keyrings": {}, "ima": {"ignored_keyrings": [], "log_hash_alg": "sha1", "dm_policy": null},
                "ima-buf": {}, "verification-keys": ""}"#,
        )
        .unwrap();
        assert_eq!(p.check("/bin/true", "aa11"), Verdict::Allowed);
        assert_eq!(p.check("/bin/true", "bb22"), Verdict::Allowed);
        assert_eq!(p.check("/bin/true", "cc33"), Verdict::DigestNotAllowed);
        assert_eq!(p.check("/bin/false", "aa11"), Verdict::UnknownPath);
        assert_eq!(p.check("/tmp/x", "00"), Verdict::Excluded);
        assert_eq!(p.check("/var/tmp/x", "00"), Verdict::UnknownPath);
    }

    #[test]
    fn bad_policies_are_refused() {
        for bad in [
            "",
            "[]",
            r#"{"digests": []}"#,
            r#"{"digests": {"/a": "x"}}"#,
            r#"{"digests": {"/a": [1]}}"#,
            r#"{"excludes": ["("]}"#,
            r#"{"excludes": "x"}"#,
        ] {
            assert!(RuntimePolicy::parse(bad).is_err(), "{bad}");
        }
        assert!(RuntimePolicy::parse("{}").is_ok());
    }
}
