// SPDX-License-Identifier: GPL-2.0
//! `for_children/model`: who decides about a namespace's events.
//!
//! ```text
//! internal
//! external [observe|enforce] [fail=deny|allow] [timeout_ms=N] [queue=N]
//! ```
//!
//! Defaults: `observe`, `fail=deny`, `timeout_ms=5000`, `queue=1024`. Shown
//! back in full, in that order.

use core::fmt;

/// What an unanswered enforce-mode event gets: on timeout, with no agent
/// connected, or when the agent goes away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailMode {
    Deny,
    Allow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The namespace's IMA policy alone (the default).
    Internal,
    /// Every event goes to an agent; `enforce` waits for its verdict.
    External {
        enforce: bool,
        fail: FailMode,
        timeout_ms: u32,
        /// Records queued for the agent at most.
        queue: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelConfig {
    pub mode: Mode,
}

pub const DEFAULT_TIMEOUT_MS: u32 = 5000;
pub const MAX_TIMEOUT_MS: u32 = 60_000;
pub const DEFAULT_QUEUE: u32 = 1024;
pub const MAX_QUEUE: u32 = 65_536;

/// A setting that does not parse: the offending token and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError<'a> {
    pub token: &'a str,
    pub reason: &'static str,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            mode: Mode::Internal,
        }
    }
}

impl ModelConfig {
    pub fn is_external(&self) -> bool {
        matches!(self.mode, Mode::External { .. })
    }

    pub fn is_enforcing(&self) -> bool {
        matches!(self.mode, Mode::External { enforce: true, .. })
    }

    /// Parses one setting (surrounding whitespace and one trailing newline
    /// allowed).
    pub fn parse(text: &str) -> Result<Self, ParseError<'_>> {
        let mut words = text.split_ascii_whitespace();
        let err = |token, reason| ParseError { token, reason };
        match words.next() {
            Some("internal") => match words.next() {
                None => Ok(Self::default()),
                Some(t) => Err(err(t, "internal takes no options")),
            },
            Some("external") => {
                let (mut enforce, mut fail) = (None, None);
                let (mut timeout_ms, mut queue) = (None, None);
                for w in words {
                    let dup = |set: bool| {
                        if set {
                            Err(err(w, "option given twice"))
                        } else {
                            Ok(())
                        }
                    };
                    match w.split_once('=') {
                        None if w == "observe" || w == "enforce" => {
                            dup(enforce.is_some())?;
                            enforce = Some(w == "enforce");
                        }
                        Some(("fail", v)) => {
                            dup(fail.is_some())?;
                            fail = Some(match v {
                                "deny" => FailMode::Deny,
                                "allow" => FailMode::Allow,
                                _ => return Err(err(w, "fail= takes deny or allow")),
                            });
                        }
                        Some(("timeout_ms", v)) => {
                            dup(timeout_ms.is_some())?;
                            timeout_ms = Some(
                                bounded(v, MAX_TIMEOUT_MS)
                                    .ok_or(err(w, "timeout_ms= takes 1 to 60000"))?,
                            );
                        }
                        Some(("queue", v)) => {
                            dup(queue.is_some())?;
                            queue = Some(
                                bounded(v, MAX_QUEUE).ok_or(err(w, "queue= takes 1 to 65536"))?,
                            );
                        }
                        _ => return Err(err(w, "unknown option")),
                    }
                }
                Ok(Self {
                    mode: Mode::External {
                        enforce: enforce.unwrap_or(false),
                        fail: fail.unwrap_or(FailMode::Deny),
                        timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
                        queue: queue.unwrap_or(DEFAULT_QUEUE),
                    },
                })
            }
            Some(t) => Err(err(t, "expected internal or external")),
            None => Err(err("", "empty setting")),
        }
    }
}

/// A decimal in `1..=max`, digits only.
fn bounded(v: &str, max: u32) -> Option<u32> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok().filter(|n| (1..=max).contains(n))
}

impl fmt::Display for FailMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Deny => "deny",
            Self::Allow => "allow",
        })
    }
}

impl fmt::Display for ModelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Internal => f.write_str("internal"),
            Mode::External {
                enforce,
                fail,
                timeout_ms,
                queue,
            } => write!(
                f,
                "external {} fail={fail} timeout_ms={timeout_ms} queue={queue}",
                if enforce { "enforce" } else { "observe" }
            ),
        }
    }
}
