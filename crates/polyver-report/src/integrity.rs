//! Content digests recovered from a component's `integrity` string.
//!
//! `integrity` holds whatever the lock file or manifest wrote: npm Subresource Integrity
//! values (`sha512-<base64>`), pip `--hash` options and image digests (`sha256:<hex>`),
//! several of them separated by spaces. SBOM consumers compare hashes byte for byte, so a
//! value is passed on only when it is well-formed for its algorithm (right length, valid
//! encoding); anything else is dropped rather than guessed at.

use base64::Engine as _;
use std::fmt::Write as _;

/// The hash algorithms polyver can recognise in integrity values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DigestAlgorithm {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// The lowercase prefix used by SRI (`sha512-`) and by `alg:hex` values (`sha256:`).
    fn from_prefix(prefix: &str) -> Option<Self> {
        match prefix.to_ascii_lowercase().as_str() {
            "sha1" => Some(Self::Sha1),
            "sha256" => Some(Self::Sha256),
            "sha384" => Some(Self::Sha384),
            "sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn byte_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// The name in CycloneDX's `hash-alg` enum.
    pub(crate) fn cyclonedx_name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// The name in SPDX 2.3's checksum `algorithm` enum.
    pub(crate) fn spdx_name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha384 => "SHA384",
            Self::Sha512 => "SHA512",
        }
    }
}

/// One well-formed digest: the algorithm and the value as lowercase hex.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Digest {
    pub(crate) algorithm: DigestAlgorithm,
    pub(crate) hex: String,
}

/// Every well-formed digest in `integrity`, sorted and without duplicates.
pub(crate) fn digests(integrity: Option<&str>) -> Vec<Digest> {
    let mut out: Vec<Digest> = integrity
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(parse_one)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn parse_one(value: &str) -> Option<Digest> {
    if let Some((prefix, hex)) = value.split_once(':') {
        let algorithm = DigestAlgorithm::from_prefix(prefix)?;
        let well_formed =
            hex.len() == 2 * algorithm.byte_len() && hex.bytes().all(|b| b.is_ascii_hexdigit());
        return well_formed.then(|| Digest {
            algorithm,
            hex: hex.to_ascii_lowercase(),
        });
    }
    let (prefix, rest) = value.split_once('-')?;
    let algorithm = DigestAlgorithm::from_prefix(prefix)?;
    // SRI allows `?options` after the value; they carry no hash bytes.
    let encoded = rest.split_once('?').map_or(rest, |(b64, _)| b64);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    (bytes.len() == algorithm.byte_len()).then(|| Digest {
        algorithm,
        hex: to_hex(&bytes),
    })
}

fn to_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_sha512_becomes_hex() {
        let found = digests(Some(
            "sha512-5/PsL6iGPdfQ/lKM1UuielYgv3BUoJfz1aUwU9vHZ+J7gyvwdQXFEBIEIaxeGf0GIcreATNyBExtalisDbuMqQ==",
        ));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].algorithm, DigestAlgorithm::Sha512);
        assert_eq!(found[0].hex.len(), 128);
        assert!(found[0].hex.starts_with("e7f3ec2fa8863dd7d0fe528cd54b"));
    }

    #[test]
    fn hex_values_are_lowercased_and_split_on_spaces() {
        let a = "58CD2187C01E70E6E26505BCA751777AA9F2EE0B7F4300988B709F44E013003F";
        let b = "942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1";
        let found = digests(Some(&format!("sha256:{a} sha256:{b}")));
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|d| d.algorithm == DigestAlgorithm::Sha256));
        assert!(found.iter().any(|d| d.hex == a.to_ascii_lowercase()));
    }

    #[test]
    fn malformed_values_are_dropped() {
        let not_hex = format!("sha256:{}", "zz".repeat(32));
        for bad in [
            "sha256:abc",
            not_hex.as_str(),
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha512-notbase64!!",
            "sha512-AAAA",
            "sha1-",
            "deadbeef",
        ] {
            assert!(digests(Some(bad)).is_empty(), "{bad}");
        }
        assert!(digests(None).is_empty());
    }

    #[test]
    fn sri_options_are_ignored() {
        let found = digests(Some("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=?x-opt"));
        assert_eq!(found[0].algorithm, DigestAlgorithm::Sha1);
        assert_eq!(found[0].hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }
}
