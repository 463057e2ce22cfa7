// SPDX-License-Identifier: GPL-2.0
//! Command-line parsing: `ima-ns [--sysfs DIR] COMMAND [OPTIONS] [ARGS]`.
//!
//! Options take their value as the next argument or after `=`. `--sysfs`
//! and `--help` are accepted before or after the command name. Arguments
//! are `OsString`s so that a command run by `run` gets its bytes unchanged.

use crate::attest::{AttestArgs, VerifyArgs};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

/// Where the module's securityfs directory is unless `--sysfs` says
/// otherwise or the loaded module says it chose another name (beside
/// built-in IMA: `ima-ns`; see [`default_sysfs`]).
pub(crate) const DEFAULT_SYSFS: &str = "/sys/kernel/security/ima";

/// The loaded module's `securityfs_dir` parameter, which shows the
/// directory it made.
const MODULE_DIR_PARAM: &str = "/sys/module/ima_ns/parameters/securityfs_dir";

/// The module's securityfs directory: the one it made, if it is loaded,
/// else [`DEFAULT_SYSFS`].
pub(crate) fn default_sysfs() -> PathBuf {
    match std::fs::read_to_string(MODULE_DIR_PARAM) {
        Ok(dir) if !dir.trim().is_empty() && !dir.trim().contains('/') => {
            PathBuf::from("/sys/kernel/security").join(dir.trim())
        }
        _ => DEFAULT_SYSFS.into(),
    }
}

/// The hash algorithms a namespace can use (`for_children/hash`).
pub(crate) const HASHES: [&str; 4] = ["sha1", "sha256", "sha384", "sha512"];

/// The `--help` text.
pub(crate) const USAGE: &str = "\
Usage: ima-ns [--sysfs DIR] COMMAND [OPTIONS]

Drives the IMA namespaces of ima_ns.ko through securityfs.

Commands:
  run --policy FILE [--hash H] [--template T] [--model SETTING] [--print-id]
      [--key CERT]... [--] CMD [ARGS...]
        Create an IMA namespace as this process's namespace for children,
        give it the policy in FILE ('-' = stdin), hash H (sha1, sha256,
        sha384, sha512) and template T (e.g. ima-ng), then run CMD as its
        first member and exit with CMD's status (128+N if killed by
        signal N). --print-id prints 'ima-ns: namespace ID' on stderr.
        --model SETTING sets for_children/model (e.g. 'external enforce
        timeout_ms=2000'); an enforcing namespace's command starts only
        once an agent reads its events (at most 30 s). --key adds a DER
        X.509 certificate to the namespace's keyring (.ima_ns<ID>) before
        CMD starts, so appraisal trusts it from CMD's first exec.
        When the module's directory is not named ima (beside built-in
        IMA), CMD runs in a new mount namespace with that directory bound
        over /sys/kernel/security/ima (and its evm/ over integrity/evm), so
        tools inside see the namespace's view at upstream's paths.
  model learn ID --out FILE
        Be namespace ID's agent: allow every event and write the set of
        (event, executable digest, object digest) tuples to FILE.
  model enforce ID --model FILE
        Be namespace ID's agent: anchor FILE's digest in its list, allow
        the events FILE has, deny and print the others (exit 3 if any).
        Both run until the namespace ends.
  list  One line per namespace visible under DIR/namespaces/: ID PARENT ENTRIES.
  show ID [--binary]
        A namespace's vpcr, measurement count, violations, policy and
        measurement list; --binary writes only its binary list to stdout.
  id    This process's IMA namespace id (0 for the host).
  checkpoint ID
        Record a checkpoint anchor of live namespace ID in its parent's
        list: its entries so far and the virtual PCR they replay to.
  attest ID --nonce HEX --ak CTX -o FILE [--reduce]
        Checkpoint namespace ID, quote PCR 10 in every TPM bank over the
        nonce with the attestation key CTX (tpm2_quote; TPM2TOOLS_TCTI
        picks the TPM) and write the evidence to FILE. --reduce keeps only
        template digests of host entries other than ID's anchors.
  verify FILE --ak-pub PEM --nonce HEX [--policy JSON]
        Check evidence: the quote's signature and nonce, the host list
        against the quoted PCR 10, the namespace list against its newest
        anchor, and with --policy every entry against a keylime runtime
        policy. Prints each check; exit 1 naming the first failure.
  oci [--runtime PATH] [--state-dir DIR] [--sysfs DIR] [--] RUNTIME-ARGS...
        An OCI runtime (crun, else runc; --runtime or IMA_NS_OCI_RUNTIME)
        that puts each container in an IMA namespace configured by its
        bundle's org.ima-ns.* annotations; 'exec' joins it. Also run as
        'ima-ns-runtime' (a link). See Documentation/containers.md.

Options:
  --sysfs DIR   the module's securityfs directory [/sys/kernel/security/ DIR
                from /sys/module/ima_ns/parameters/securityfs_dir, else ima]
  -h, --help    this text

Exit status: 0 on success, 1 if a command other than run fails (verify:
the evidence does not verify), 2 for a usage error.
run exits with CMD's status; 125 if ima-ns itself fails (usage errors
included), 126 if CMD cannot be executed, 127 if CMD is not found.
";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invocation {
    /// The module's securityfs directory.
    pub(crate) sysfs: PathBuf,
    /// What to do.
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// Print [`USAGE`].
    Help,
    /// `run`: a command in a new namespace.
    Run(RunArgs),
    /// `list`: the visible namespaces.
    List,
    /// `show ID`: one namespace's state.
    Show {
        /// The namespace id.
        id: u64,
        /// Raw binary measurement list only.
        binary: bool,
    },
    /// `id`: the caller's namespace id.
    Id,
    /// `model learn|enforce ID`: be a namespace's agent.
    Model(ModelArgs),
    /// `checkpoint ID`: record a checkpoint anchor.
    Checkpoint(u64),
    /// `attest ID ...`: write evidence.
    Attest(AttestArgs),
    /// `verify FILE ...`: check evidence.
    Verify(VerifyArgs),
}

/// The arguments of `model`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ModelArgs {
    /// `enforce` (else `learn`).
    pub(crate) enforce: bool,
    /// The namespace.
    pub(crate) id: u64,
    /// The model file: written by `learn`, read by `enforce`.
    pub(crate) file: PathBuf,
}

/// Where the policy comes from.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PolicySource {
    /// `--policy -`.
    Stdin,
    /// `--policy FILE`.
    File(PathBuf),
}

/// The arguments of `run`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RunArgs {
    /// The new namespace's policy.
    pub(crate) policy: PolicySource,
    /// Its hash algorithm, if not the module's default.
    pub(crate) hash: Option<String>,
    /// Its template, if not the module's default.
    pub(crate) template: Option<String>,
    /// Its `for_children/model` setting, if not `internal`.
    pub(crate) model: Option<String>,
    /// Print the new namespace's id on stderr.
    pub(crate) print_id: bool,
    /// Certificates for the namespace's keyring.
    pub(crate) keys: Vec<PathBuf>,
    /// The command and its arguments (never empty).
    pub(crate) argv: Vec<OsString>,
}

/// A bad command line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError {
    /// What is wrong.
    pub(crate) msg: String,
    /// The command was `run`, whose own failures exit 125.
    pub(crate) in_run: bool,
}

impl UsageError {
    /// The exit status for this error.
    pub(crate) fn status(&self) -> u8 {
        if self.in_run {
            125
        } else {
            2
        }
    }
}

/// A command's positional word and its `(option, value)` pairs; `Err`
/// holds `--help`'s command.
type Words = (Option<OsString>, Vec<(String, OsString)>);

/// One command-line word, classified.
enum Arg {
    /// `--name`, `--name=value` or `-h`: the name, and the value after `=`.
    Opt(String, Option<OsString>),
    /// `--`.
    EndOfOptions,
    /// Anything else, `-` included.
    Word(OsString),
}

fn classify(arg: OsString) -> Arg {
    let bytes = arg.as_bytes();
    if bytes == b"--" {
        return Arg::EndOfOptions;
    }
    if bytes.len() < 2 || bytes[0] != b'-' {
        return Arg::Word(arg);
    }
    let (name, value) = match bytes.iter().position(|&b| b == b'=') {
        Some(eq) if bytes.starts_with(b"--") => (
            &bytes[..eq],
            Some(OsStr::from_bytes(&bytes[eq + 1..]).to_owned()),
        ),
        _ => (bytes, None),
    };
    Arg::Opt(String::from_utf8_lossy(name).into_owned(), value)
}

/// The state shared by the per-command parsers.
struct Parser {
    args: std::vec::IntoIter<OsString>,
    sysfs: Option<PathBuf>,
    in_run: bool,
}

impl Parser {
    fn error(&self, msg: impl Into<String>) -> UsageError {
        UsageError {
            msg: msg.into(),
            in_run: self.in_run,
        }
    }

    /// The value of option `name`: after `=`, or the next argument.
    fn value(&mut self, name: &str, inline: Option<OsString>) -> Result<OsString, UsageError> {
        match inline.or_else(|| self.args.next()) {
            Some(v) => Ok(v),
            None => Err(self.error(format!("option {name} needs a value"))),
        }
    }

    /// A UTF-8 option value.
    fn text(&mut self, name: &str, inline: Option<OsString>) -> Result<String, UsageError> {
        let v = self.value(name, inline)?;
        v.into_string()
            .map_err(|_| self.error(format!("{name}: value is not UTF-8")))
    }

    /// Handles the options every command takes: `Ok(Some(Help))` for
    /// `--help`, `Ok(None)` after `--sysfs`, `Err` for any other option.
    fn common(
        &mut self,
        name: String,
        inline: Option<OsString>,
    ) -> Result<Option<Command>, UsageError> {
        match name.as_str() {
            "-h" | "--help" => Ok(Some(Command::Help)),
            "--sysfs" => {
                self.sysfs = Some(self.value(&name, inline)?.into());
                Ok(None)
            }
            _ => Err(self.error(format!("unknown option {name}"))),
        }
    }

    fn no_value(&self, name: &str, inline: &Option<OsString>) -> Result<(), UsageError> {
        match inline {
            Some(_) => Err(self.error(format!("option {name} takes no value"))),
            None => Ok(()),
        }
    }

    fn run(&mut self) -> Result<Command, UsageError> {
        let (mut policy, mut hash, mut template, mut print_id) = (None, None, None, false);
        let mut model = None;
        let mut keys = Vec::new();
        let mut argv = Vec::new();
        while let Some(arg) = self.args.next() {
            match classify(arg) {
                Arg::EndOfOptions => {
                    argv.extend(self.args.by_ref());
                    break;
                }
                Arg::Word(w) => {
                    argv.push(w);
                    argv.extend(self.args.by_ref());
                    break;
                }
                Arg::Opt(name, inline) => match name.as_str() {
                    "--policy" => {
                        let v = self.value(&name, inline)?;
                        policy = Some(if v == "-" {
                            PolicySource::Stdin
                        } else {
                            PolicySource::File(v.into())
                        });
                    }
                    "--hash" => {
                        let h = self.text(&name, inline)?;
                        if !HASHES.contains(&h.as_str()) {
                            return Err(self.error(format!(
                                "--hash {h}: expected one of {}",
                                HASHES.join(", ")
                            )));
                        }
                        hash = Some(h);
                    }
                    "--template" => {
                        let t = self.text(&name, inline)?;
                        if t.is_empty() || t.contains(char::is_whitespace) {
                            return Err(
                                self.error(format!("--template {t:?}: not a template name"))
                            );
                        }
                        template = Some(t);
                    }
                    "--model" => model = Some(self.text(&name, inline)?),
                    "--key" => keys.push(PathBuf::from(self.value(&name, inline)?)),
                    "--print-id" => {
                        self.no_value(&name, &inline)?;
                        print_id = true;
                    }
                    _ => {
                        if let Some(help) = self.common(name, inline)? {
                            return Ok(help);
                        }
                    }
                },
            }
        }
        let Some(policy) = policy else {
            return Err(self.error("run: --policy FILE is required"));
        };
        if argv.is_empty() {
            return Err(self.error("run: no command given"));
        }
        Ok(Command::Run(RunArgs {
            policy,
            hash,
            template,
            model,
            print_id,
            keys,
            argv,
        }))
    }

    /// `model learn ID --out FILE`, `model enforce ID --model FILE`.
    fn model(&mut self) -> Result<Command, UsageError> {
        let (mut mode, mut id, mut file) = (None, None, None);
        while let Some(arg) = self.args.next() {
            let word = match classify(arg) {
                Arg::Opt(name, inline) if name == "--out" || name == "--model" => {
                    file = Some((name.clone(), PathBuf::from(self.value(&name, inline)?)));
                    continue;
                }
                Arg::Opt(name, inline) => match self.common(name, inline)? {
                    Some(help) => return Ok(help),
                    None => continue,
                },
                Arg::EndOfOptions => continue,
                Arg::Word(w) => w,
            };
            if mode.is_none() {
                mode = Some(match word.to_str() {
                    Some("learn") => false,
                    Some("enforce") => true,
                    _ => {
                        return Err(self.error(format!(
                            "model: {}: expected learn or enforce",
                            word.to_string_lossy()
                        )))
                    }
                });
            } else if id.is_none() {
                id = Some(parse_id(&word).ok_or_else(|| {
                    self.error(format!(
                        "model: {}: not a namespace id",
                        word.to_string_lossy()
                    ))
                })?);
            } else {
                return Err(self.error(format!(
                    "model: unexpected argument {}",
                    word.to_string_lossy()
                )));
            }
        }
        let Some(enforce) = mode else {
            return Err(self.error("model: learn or enforce missing"));
        };
        let Some(id) = id else {
            return Err(self.error("model: namespace ID missing"));
        };
        let want = if enforce { "--model" } else { "--out" };
        match file {
            Some((name, file)) if name == want => {
                Ok(Command::Model(ModelArgs { enforce, id, file }))
            }
            _ => Err(self.error(format!("model: {want} FILE is required"))),
        }
    }

    fn show(&mut self) -> Result<Command, UsageError> {
        let (mut id, mut binary) = (None, false);
        while let Some(arg) = self.args.next() {
            let word = match classify(arg) {
                Arg::Opt(name, inline) if name == "--binary" => {
                    self.no_value(&name, &inline)?;
                    binary = true;
                    continue;
                }
                Arg::Opt(name, inline) => match self.common(name, inline)? {
                    Some(help) => return Ok(help),
                    None => continue,
                },
                Arg::EndOfOptions => match self.args.next() {
                    Some(w) => w,
                    None => break,
                },
                Arg::Word(w) => w,
            };
            if id.is_some() {
                return Err(self.error(format!(
                    "show: unexpected argument {}",
                    word.to_string_lossy()
                )));
            }
            id = Some(parse_id(&word).ok_or_else(|| {
                self.error(format!(
                    "show: {}: not a namespace id",
                    word.to_string_lossy()
                ))
            })?);
        }
        match id {
            Some(id) => Ok(Command::Show { id, binary }),
            None => Err(self.error("show: namespace ID missing")),
        }
    }

    /// Options with values and at most one positional word, for
    /// `checkpoint`, `attest` and `verify`: `(word, [(option, value)])`;
    /// `flags` take no value.
    fn words(
        &mut self,
        cmd: &str,
        valued: &[&str],
        flags: &[&str],
    ) -> Result<Result<Words, Command>, UsageError> {
        let (mut word, mut opts) = (None, Vec::new());
        while let Some(arg) = self.args.next() {
            let w = match classify(arg) {
                Arg::Opt(name, inline) if valued.contains(&name.as_str()) => {
                    let v = self.value(&name, inline)?;
                    if opts.iter().any(|(n, _)| *n == name) {
                        return Err(self.error(format!("{cmd}: {name} given twice")));
                    }
                    opts.push((name, v));
                    continue;
                }
                Arg::Opt(name, inline) if flags.contains(&name.as_str()) => {
                    self.no_value(&name, &inline)?;
                    opts.push((name, OsString::new()));
                    continue;
                }
                Arg::Opt(name, inline) => match self.common(name, inline)? {
                    Some(help) => return Ok(Err(help)),
                    None => continue,
                },
                Arg::EndOfOptions => continue,
                Arg::Word(w) => w,
            };
            if word.is_some() {
                return Err(self.error(format!(
                    "{cmd}: unexpected argument {}",
                    w.to_string_lossy()
                )));
            }
            word = Some(w);
        }
        Ok(Ok((word, opts)))
    }

    fn ns_id(&self, cmd: &str, word: Option<OsString>) -> Result<u64, UsageError> {
        let w = word.ok_or_else(|| self.error(format!("{cmd}: namespace ID missing")))?;
        parse_id(&w).ok_or_else(|| {
            self.error(format!(
                "{cmd}: {}: not a namespace id",
                w.to_string_lossy()
            ))
        })
    }

    fn checkpoint(&mut self) -> Result<Command, UsageError> {
        let (word, _) = match self.words("checkpoint", &[], &[])? {
            Ok(w) => w,
            Err(help) => return Ok(help),
        };
        Ok(Command::Checkpoint(self.ns_id("checkpoint", word)?))
    }

    fn attest(&mut self) -> Result<Command, UsageError> {
        let (word, opts) =
            match self.words("attest", &["--nonce", "--ak", "-o", "--out"], &["--reduce"])? {
                Ok(w) => w,
                Err(help) => return Ok(help),
            };
        let id = self.ns_id("attest", word)?;
        let get = |names: &[&str]| {
            opts.iter()
                .find(|(n, _)| names.contains(&n.as_str()))
                .map(|(_, v)| v.clone())
        };
        let need = |names: &[&str], what: &str| {
            get(names).ok_or_else(|| self.error(format!("attest: {what} is required")))
        };
        let nonce = need(&["--nonce"], "--nonce HEX")?
            .into_string()
            .map_err(|_| self.error("attest: --nonce is not UTF-8"))?;
        Ok(Command::Attest(AttestArgs {
            id,
            nonce,
            ak: need(&["--ak"], "--ak CTX")?.into(),
            out: need(&["-o", "--out"], "-o FILE")?.into(),
            reduce: get(&["--reduce"]).is_some(),
        }))
    }

    fn verify(&mut self) -> Result<Command, UsageError> {
        let (word, opts) = match self.words("verify", &["--ak-pub", "--nonce", "--policy"], &[])? {
            Ok(w) => w,
            Err(help) => return Ok(help),
        };
        let evidence = word.ok_or_else(|| self.error("verify: evidence FILE missing"))?;
        let get = |name: &str| opts.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let need =
            |name: &str| get(name).ok_or_else(|| self.error(format!("verify: {name} is required")));
        let nonce = need("--nonce")?
            .into_string()
            .map_err(|_| self.error("verify: --nonce is not UTF-8"))?;
        Ok(Command::Verify(VerifyArgs {
            evidence: evidence.into(),
            ak_pub: need("--ak-pub")?.into(),
            nonce,
            policy: get("--policy").map(Into::into),
        }))
    }

    /// A command without arguments of its own.
    fn bare(&mut self, command: Command, name: &str) -> Result<Command, UsageError> {
        while let Some(arg) = self.args.next() {
            match classify(arg) {
                Arg::Opt(opt, inline) => {
                    if let Some(help) = self.common(opt, inline)? {
                        return Ok(help);
                    }
                }
                Arg::EndOfOptions => {}
                Arg::Word(w) => {
                    return Err(self.error(format!(
                        "{name}: unexpected argument {}",
                        w.to_string_lossy()
                    )))
                }
            }
        }
        Ok(command)
    }
}

/// A namespace id: decimal digits only.
fn parse_id(word: &OsStr) -> Option<u64> {
    let s = word.to_str()?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, UsageError> {
    let mut p = Parser {
        args: args.into_iter().collect::<Vec<_>>().into_iter(),
        sysfs: None,
        in_run: false,
    };
    let name = loop {
        match p.args.next().map(classify) {
            None => return Err(p.error("no command given")),
            Some(Arg::Opt(name, inline)) => {
                if let Some(help) = p.common(name, inline)? {
                    return Ok(Invocation {
                        sysfs: default_sysfs(),
                        command: help,
                    });
                }
            }
            Some(Arg::EndOfOptions) => {}
            Some(Arg::Word(w)) => break w.into_vec(),
        }
    };
    let command = match name.as_slice() {
        b"run" => {
            p.in_run = true;
            p.run()?
        }
        b"list" => p.bare(Command::List, "list")?,
        b"show" => p.show()?,
        b"id" => p.bare(Command::Id, "id")?,
        b"model" => p.model()?,
        b"checkpoint" => p.checkpoint()?,
        b"attest" => p.attest()?,
        b"verify" => p.verify()?,
        b"help" => Command::Help,
        _ => {
            return Err(p.error(format!(
                "unknown command {}",
                String::from_utf8_lossy(&name)
            )))
        }
    };
    Ok(Invocation {
        sysfs: p.sysfs.unwrap_or_else(default_sysfs),
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Invocation, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    fn command(args: &[&str]) -> Command {
        parse_str(args).expect("parses").command
    }

    fn usage_error(args: &[&str]) -> UsageError {
        parse_str(args).expect_err("is a usage error")
    }

    fn os(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn attestation_commands() {
        assert_eq!(command(&["checkpoint", "4"]), Command::Checkpoint(4));
        assert_eq!(
            command(&[
                "attest",
                "4",
                "--nonce",
                "ab",
                "--ak=ak.ctx",
                "-o",
                "ev",
                "--reduce"
            ]),
            Command::Attest(AttestArgs {
                id: 4,
                nonce: "ab".into(),
                ak: "ak.ctx".into(),
                out: "ev".into(),
                reduce: true,
            })
        );
        assert_eq!(
            command(&["verify", "ev", "--ak-pub", "ak.pem", "--nonce", "ab", "--policy", "p.json"]),
            Command::Verify(VerifyArgs {
                evidence: "ev".into(),
                ak_pub: "ak.pem".into(),
                nonce: "ab".into(),
                policy: Some("p.json".into()),
            })
        );
        for bad in [
            &["checkpoint"][..],
            &["checkpoint", "x"],
            &["checkpoint", "1", "2"],
            &["attest", "1", "--ak", "a", "-o", "e"],
            &["attest", "1", "--nonce", "ab", "--ak", "a"],
            &["attest", "--nonce", "ab", "--ak", "a", "-o", "e"],
            &[
                "attest", "1", "--nonce", "ab", "--nonce", "cd", "--ak", "a", "-o", "e",
            ],
            &[
                "attest",
                "1",
                "--reduce=yes",
                "--nonce",
                "ab",
                "--ak",
                "a",
                "-o",
                "e",
            ],
            &["verify", "--ak-pub", "k", "--nonce", "ab"],
            &["verify", "ev", "--nonce", "ab"],
            &["verify", "ev", "--ak-pub", "k"],
            &["verify", "ev", "--ak-pub", "k", "--nonce", "ab", "--bogus"],
        ] {
            assert_eq!(usage_error(bad).status(), 2, "{bad:?}");
        }
    }

    #[test]
    fn run_with_every_option() {
        let inv = parse_str(&[
            "--sysfs",
            "/tmp/fake",
            "run",
            "--policy",
            "p.txt",
            "--hash",
            "sha384",
            "--template=ima-ng",
            "--model",
            "external enforce",
            "--print-id",
            "--key",
            "a.der",
            "--key=b.der",
            "--",
            "sh",
            "-c",
            "echo hi",
        ])
        .unwrap();
        assert_eq!(inv.sysfs, PathBuf::from("/tmp/fake"));
        assert_eq!(
            inv.command,
            Command::Run(RunArgs {
                policy: PolicySource::File("p.txt".into()),
                hash: Some("sha384".into()),
                template: Some("ima-ng".into()),
                model: Some("external enforce".into()),
                print_id: true,
                keys: vec!["a.der".into(), "b.der".into()],
                argv: os(&["sh", "-c", "echo hi"]),
            })
        );
    }

    #[test]
    fn model_commands() {
        assert_eq!(
            command(&["model", "learn", "4", "--out", "m.txt"]),
            Command::Model(ModelArgs {
                enforce: false,
                id: 4,
                file: "m.txt".into()
            })
        );
        assert_eq!(
            command(&["model", "--model=m.txt", "enforce", "12"]),
            Command::Model(ModelArgs {
                enforce: true,
                id: 12,
                file: "m.txt".into()
            })
        );
        for bad in [
            &["model"][..],
            &["model", "guess", "1", "--out", "m"],
            &["model", "learn", "x", "--out", "m"],
            &["model", "learn", "1"],
            &["model", "enforce", "1", "--out", "m"],
            &["model", "learn", "1", "2", "--out", "m"],
        ] {
            assert_eq!(usage_error(bad).status(), 2, "{bad:?}");
        }
    }

    #[test]
    fn run_command_starts_at_first_word_and_keeps_its_options() {
        let Command::Run(args) = command(&["run", "--policy=-", "ls", "-l", "--hash", "--", "x"])
        else {
            panic!("not run");
        };
        assert_eq!(args.policy, PolicySource::Stdin);
        assert_eq!(args.hash, None);
        assert_eq!(args.template, None);
        assert!(!args.print_id);
        assert_eq!(args.argv, os(&["ls", "-l", "--hash", "--", "x"]));
    }

    #[test]
    fn run_keeps_non_utf8_arguments() {
        let raw = OsString::from_vec(vec![b'a', 0xff, b'b']);
        let args = vec![
            "run".into(),
            "--policy".into(),
            "p".into(),
            "echo".into(),
            raw.clone(),
        ];
        let Command::Run(run) = parse(args).unwrap().command else {
            panic!("not run")
        };
        assert_eq!(run.argv, vec![OsString::from("echo"), raw]);
    }

    #[test]
    fn sysfs_after_the_command_and_default() {
        assert_eq!(
            parse_str(&["list", "--sysfs=/d"]).unwrap().sysfs,
            PathBuf::from("/d")
        );
        assert_eq!(
            parse_str(&["id"]).unwrap().sysfs,
            PathBuf::from(DEFAULT_SYSFS)
        );
        let inv = parse_str(&["run", "--sysfs", "/e", "--policy", "p", "true"]).unwrap();
        assert_eq!(inv.sysfs, PathBuf::from("/e"));
    }

    #[test]
    fn run_usage_errors_exit_125() {
        for args in [
            &["run", "--policy", "p"][..],
            &["run", "true"],
            &["run", "--policy"],
            &["run", "--policy", "p", "--hash", "md5", "true"],
            &["run", "--policy", "p", "--template", "", "true"],
            &["run", "--policy", "p", "--print-id=yes", "true"],
            &["run", "--policy", "p", "--bogus", "true"],
        ] {
            let e = usage_error(args);
            assert!(e.in_run, "{args:?}");
            assert_eq!(e.status(), 125, "{args:?}");
        }
        assert!(
            usage_error(&["run", "--policy", "p", "--hash", "md5", "true"])
                .msg
                .contains("sha256")
        );
        assert_eq!(
            usage_error(&["run", "--policy", "p"]).msg,
            "run: no command given"
        );
    }

    #[test]
    fn show_list_id() {
        assert_eq!(
            command(&["show", "12"]),
            Command::Show {
                id: 12,
                binary: false
            }
        );
        assert_eq!(
            command(&["show", "--binary", "7"]),
            Command::Show {
                id: 7,
                binary: true
            }
        );
        assert_eq!(
            command(&["show", "7", "--binary"]),
            Command::Show {
                id: 7,
                binary: true
            }
        );
        assert_eq!(
            command(&["show", "--", "7"]),
            Command::Show {
                id: 7,
                binary: false
            }
        );
        assert_eq!(command(&["list"]), Command::List);
        assert_eq!(command(&["id"]), Command::Id);
    }

    #[test]
    fn other_usage_errors_exit_2() {
        for args in [
            &[][..],
            &["frob"],
            &["--sysfs"],
            &["--frob", "list"],
            &["list", "x"],
            &["id", "--binary"],
            &["show"],
            &["show", "x1"],
            &["show", "+1"],
            &["show", "1", "2"],
            &["show", "99999999999999999999999"],
        ] {
            let e = usage_error(args);
            assert_eq!(e.status(), 2, "{args:?}");
        }
        assert_eq!(usage_error(&["frob"]).msg, "unknown command frob");
        assert_eq!(
            usage_error(&["show", "x1"]).msg,
            "show: x1: not a namespace id"
        );
    }

    #[test]
    fn help_anywhere_before_a_command_to_run() {
        for args in [
            &["--help"][..],
            &["-h"],
            &["help"],
            &["list", "--help"],
            &["show", "-h"],
            &["run", "--help"],
        ] {
            assert_eq!(command(args), Command::Help, "{args:?}");
        }
        let Command::Run(run) = command(&["run", "--policy", "p", "ls", "--help"]) else {
            panic!("not run")
        };
        assert_eq!(run.argv, os(&["ls", "--help"]));
    }
}
