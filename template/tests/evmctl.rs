// SPDX-License-Identifier: GPL-2.0
//! Cross-check with ima-evm-utils: `evmctl ima_measurement` parses our
//! binary lists, recomputes every entry's template digest in the SHA-1
//! and SHA-256 banks from the template data, replays PCR 10 and compares
//! it with the value we replayed. Skipped where evmctl is not installed.

use ima_template::*;
use ima_tpm::{extend, Digest, HashAlgo};
use std::process::Command;

struct Buf(Vec<u8>);

impl Sink for Buf {
    fn put(&mut self, b: &[u8]) -> Result<(), Overflow> {
        self.0.extend_from_slice(b);
        Ok(())
    }
}

fn pcr_file(pcr10: &Digest) -> String {
    let zero = "0".repeat(2 * pcr10.algo().digest_size());
    (0..24)
        .map(|i| {
            let v = if i == 10 {
                format!("{pcr10:x}").to_uppercase()
            } else {
                zero.clone()
            };
            format!("PCR-{i:02}: {v}\n")
        })
        .collect()
}

/// Lists one entry per template and has evmctl check it.
fn check(templates: &[&Template], tag: &str) {
    let file = Digest::of(HashAlgo::Sha256, &[b"hello"]);
    let sha1 = Digest::of(HashAlgo::Sha1, &[b"hello"]);
    let md = Digest::of(HashAlgo::Sha256, &[b"mod"]);
    let imax = [3u8, 2, 0xaa, 0xbb];
    let xattrs = [
        Xattr {
            name: b"security.selinux",
            value: b"system_u:object_r:bin_t:s0\0",
        },
        Xattr {
            name: b"security.ima",
            value: &imax,
        },
    ];
    let mut ev = EventData::new(&file, b"/usr/bin/a b");
    ev.sha1_digest = Some(&sha1);
    ev.ima_xattr = Some(&imax);
    ev.evm_xattr = Some(&[5, 2, 0xcc]);
    ev.modsig = Some(Modsig {
        digest: &md,
        raw: &[0x30, 0x82, 0x01],
    });
    ev.buf = Some(b"root=/dev/sda");
    ev.inode = Some(InodeAttrs {
        uid: 1000,
        gid: 100,
        mode: 0o100644,
    });
    ev.xattrs = &xattrs;

    let mut list = Buf(Vec::new());
    let mut pcr1 = Digest::zero(HashAlgo::Sha1);
    let mut pcr256 = Digest::zero(HashAlgo::Sha256);
    for t in templates {
        let mut data = Buf(Vec::new());
        t.write(&ev, &mut data).unwrap();
        let td = t.template_digest(HashAlgo::Sha1, &data.0).unwrap();
        pcr1 = extend(&pcr1, &td);
        pcr256 = extend(
            &pcr256,
            &t.template_digest(HashAlgo::Sha256, &data.0).unwrap(),
        );
        let e = Entry {
            pcr: 10,
            template: t,
            data: &data.0,
            digest: &td,
        };
        e.write_binary(&mut list).unwrap();
    }
    let dir =
        std::env::temp_dir().join(format!("ima-template-evmctl-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (bin, p1, p256) = (dir.join("list"), dir.join("sha1"), dir.join("sha256"));
    std::fs::write(&bin, &list.0).unwrap();
    std::fs::write(&p1, pcr_file(&pcr1)).unwrap();
    std::fs::write(&p256, pcr_file(&pcr256)).unwrap();
    let out = Command::new("evmctl")
        .arg("ima_measurement")
        .arg("--pcrs")
        .arg(format!("sha1,{}", p1.display()))
        .arg("--pcrs")
        .arg(format!("sha256,{}", p256.display()))
        .arg(&bin)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains("Matched per TPM bank calculated digest(s)"),
        "{text}"
    );
}

#[test]
fn evmctl_replays_our_lists() {
    if Command::new("evmctl").arg("--version").output().is_err() {
        eprintln!("evmctl not installed: skipped");
        return;
    }
    // evmctl refuses lists mixing "ima" with other templates.
    check(&[&IMA], "ima");
    let custom = Template::parse_fmt("d-ng|n-ng|sig|iuid|igid|imode").unwrap();
    let mut rest: Vec<&Template> = BUILTIN
        .iter()
        .copied()
        .filter(|t| t.name() != "ima")
        .collect();
    rest.push(&custom);
    check(&rest, "ng");
}
