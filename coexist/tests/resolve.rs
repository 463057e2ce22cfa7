// SPDX-License-Identifier: GPL-2.0
//! The defaults on both kinds of kernel, and every refusal.

use ima_coexist::*;

const ALONE: Facts = Facts { builtin_ima: false };
const BESIDE: Facts = Facts { builtin_ima: true };

fn params<'a>(dir: &'a str, prefix: &'a str, pcr: i32, host: &'a str) -> Params<'a> {
    Params {
        dir,
        keyring_prefix: prefix,
        pcr,
        host,
    }
}

const AUTO: Params<'static> = Params {
    dir: "",
    keyring_prefix: "",
    pcr: -1,
    host: "",
};

#[test]
fn defaults_without_builtin_ima_are_upstreams() {
    let s = resolve(&AUTO, ALONE).unwrap();
    assert_eq!(s.host, HostMode::Own);
    assert_eq!(s.pcr, 10);
    assert_eq!(s.keyring_prefix, ".");
    assert_eq!(s.dirs.candidates().collect::<Vec<_>>(), ["ima", "ima-ns"]);
}

#[test]
fn defaults_beside_builtin_ima_touch_nothing_of_its() {
    let s = resolve(&AUTO, BESIDE).unwrap();
    assert_eq!(s.host, HostMode::Ima);
    assert_eq!(s.pcr, 15);
    assert_eq!(s.keyring_prefix, ".ima_ns.");
    // `ima` is tried and found taken; the shell then makes `ima-ns`.
    assert_eq!(s.dirs.candidates().last(), Some("ima-ns"));
    let own = resolve(&params("", "", -1, "own"), BESIDE).unwrap();
    assert_eq!((own.host, own.pcr), (HostMode::Own, 15));
}

#[test]
fn given_values_are_kept() {
    let s = resolve(&params("imans2", ".x.", 14, "own"), BESIDE).unwrap();
    assert_eq!(s.dirs, Dirs::Given("imans2"));
    assert_eq!(s.dirs.candidates().collect::<Vec<_>>(), ["imans2"]);
    assert_eq!((s.keyring_prefix, s.pcr), (".x.", 14));
    let s = resolve(&params("ima-ns", "", 11, "own"), ALONE).unwrap();
    assert_eq!((s.pcr, s.host), (11, HostMode::Own));
}

#[test]
fn host_ima_needs_builtin_ima() {
    let e = resolve(&params("", "", -1, "ima"), ALONE).unwrap_err();
    assert_eq!(e, ParamError::HostImaMissing);
    assert!(e.to_string().contains("CONFIG_IMA"));
    assert_eq!(
        resolve(&params("", "", -1, "bogus"), BESIDE),
        Err(ParamError::Host)
    );
    assert_eq!(
        resolve(&params("", "", -1, "IMA"), BESIDE),
        Err(ParamError::Host)
    );
}

#[test]
fn pcr_must_be_an_os_pcr_and_not_builtin_imas() {
    for bad in [0, 7, 16, 17, 22, 23, 24, 1000] {
        assert_eq!(
            resolve(&params("", "", bad, "own"), ALONE),
            Err(ParamError::Pcr),
            "{bad}"
        );
    }
    for good in 8..=15 {
        assert_eq!(
            resolve(&params("", "", good, ""), ALONE).unwrap().pcr,
            good as u32
        );
    }
    assert_eq!(
        resolve(&params("", "", 10, "own"), BESIDE),
        Err(ParamError::PcrTaken)
    );
    // host=ima keeps no host list: its PCR is unused.
    assert!(resolve(&params("", "", 10, "ima"), BESIDE).is_ok());
}

#[test]
fn bad_directory_names_are_refused() {
    for bad in [".", "..", "a/b", "ima ns", "ima\n", &"x".repeat(33)] {
        assert_eq!(
            resolve(&params(bad, "", -1, ""), ALONE),
            Err(ParamError::Dir),
            "{bad:?}"
        );
    }
    assert!(resolve(&params(&"x".repeat(32), "", -1, ""), ALONE).is_ok());
}

#[test]
fn keyring_prefix_cannot_be_forged_or_collide() {
    for bad in [
        "ima",
        "_",
        "_x",
        ".a b",
        ".a/b",
        &format!(".{}", "x".repeat(16)),
    ] {
        assert_eq!(
            resolve(&params("", bad, -1, ""), ALONE),
            Err(ParamError::KeyringPrefix),
            "{bad:?}"
        );
    }
    assert_eq!(
        resolve(&params("", ".", -1, "own"), BESIDE),
        Err(ParamError::KeyringPrefixTaken)
    );
    assert_eq!(
        resolve(&params("", ".", -1, ""), ALONE)
            .unwrap()
            .keyring_prefix,
        "."
    );
}

#[test]
fn keyring_names_round_trip() {
    for prefix in [".", ".ima_ns.", ".x-"] {
        for purpose in [KeyringPurpose::Ima, KeyringPurpose::Evm] {
            for id in [0u64, 1, 42, u64::MAX] {
                let name = KeyringName {
                    prefix,
                    purpose,
                    id,
                }
                .to_string();
                assert_eq!(keyring_owner(prefix, name.as_bytes()), Some(id), "{name}");
            }
        }
    }
    assert_eq!(
        KeyringName {
            prefix: ".",
            purpose: KeyringPurpose::Ima,
            id: 0
        }
        .to_string(),
        ".ima"
    );
    assert_eq!(
        KeyringName {
            prefix: ".ima_ns.",
            purpose: KeyringPurpose::Evm,
            id: 7
        }
        .to_string(),
        ".ima_ns.evm_ns7"
    );
}

#[test]
fn other_keyrings_are_not_the_modules() {
    // Built-in IMA's keyrings are not ours beside it.
    for name in [".ima", ".evm", "_ima", ".platform", ".machine"] {
        assert_eq!(keyring_owner(".ima_ns.", name.as_bytes()), None, "{name}");
    }
    for name in [
        ".imax",
        ".ima_ns",
        ".ima_ns0",
        ".ima_ns01x",
        ".ima_nsx",
        ".ima_ns-1",
        ".ima_ns99999999999999999999",
        ".ima_ns123456789012345678901",
    ] {
        assert_eq!(keyring_owner(".", name.as_bytes()), None, "{name}");
    }
    assert_eq!(keyring_owner(".", b".ima_ns01"), Some(1));
}
