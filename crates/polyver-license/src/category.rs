//! What kind of obligations a licence brings: the unit most policies are written in.
//!
//! The table covers the ids seen in practice across PyPI, npm, crates.io and Packagist
//! (about 150); ids outside it fall back to their family (`GPL-*`, `CC-BY-NC-*`, ...) and
//! otherwise to `unknown`, so that a policy never silently passes a licence polyver has no
//! opinion on. Public-domain dedications count as permissive.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Licence categories, from least to most restrictive (then unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Use, modify, redistribute with attribution (MIT, BSD, Apache-2.0, ISC, public domain).
    Permissive,
    /// Changes to the licensed files must be shared; linking is free (LGPL, MPL, EPL).
    WeakCopyleft,
    /// Derived works must be distributed under the same licence (GPL).
    Copyleft,
    /// Copyleft that also triggers when the software is offered over a network (AGPL, SSPL).
    NetworkCopyleft,
    /// No open-source permission: proprietary, non-commercial or no-derivatives terms.
    Proprietary,
    /// Not determined.
    Unknown,
}

/// The category names accepted in `[licenses] allow/deny`.
pub const CATEGORY_NAMES: &[&str] = &[
    "permissive",
    "weak-copyleft",
    "copyleft",
    "network-copyleft",
    "proprietary",
    "unknown",
];

impl Category {
    pub fn id(self) -> &'static str {
        match self {
            Category::Permissive => "permissive",
            Category::WeakCopyleft => "weak-copyleft",
            Category::Copyleft => "copyleft",
            Category::NetworkCopyleft => "network-copyleft",
            Category::Proprietary => "proprietary",
            Category::Unknown => "unknown",
        }
    }

    /// Whether distributing or serving this in a permissively licensed product imposes the
    /// dependency's terms on the product.
    pub fn is_strong_copyleft(self) -> bool {
        matches!(self, Category::Copyleft | Category::NetworkCopyleft)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "permissive" | "public-domain" => Category::Permissive,
            "weak-copyleft" => Category::WeakCopyleft,
            "copyleft" => Category::Copyleft,
            "network-copyleft" => Category::NetworkCopyleft,
            "proprietary" | "non-free" => Category::Proprietary,
            "unknown" => Category::Unknown,
            other => {
                return Err(format!(
                    "`{other}` is not a licence category (one of: {})",
                    CATEGORY_NAMES.join(", ")
                ))
            }
        })
    }
}

/// Exceptions that allow linking without the copyleft reaching the linking work.
const LINKING_EXCEPTIONS: &[&str] = &[
    "Classpath-exception-2.0",
    "GCC-exception-2.0",
    "GCC-exception-3.1",
    "LLVM-exception",
    "Linux-syscall-note",
    "OCaml-LGPL-linking-exception",
    "Universal-FOSS-exception-1.0",
    "WxWindows-exception-3.1",
    "FLTK-exception",
    "Bison-exception-2.2",
    "Autoconf-exception-3.0",
    "Autoconf-exception-2.0",
    "GPL-CC-1.0",
    "Qt-LGPL-exception-1.1",
    "Font-exception-2.0",
    "libtool-exception",
    "mif-exception",
    "eCos-exception-2.0",
    "u-boot-exception-2.0",
    "389-exception",
];

/// The category of one licence term (`GPL-2.0-only WITH Classpath-exception-2.0`).
pub fn of_requirement(req: &spdx::LicenseReq) -> Category {
    let base = match &req.license {
        spdx::LicenseItem::Spdx { id, .. } => of_id(id.name),
        spdx::LicenseItem::Other(r) => of_license_ref(&r.lic_ref),
    };
    let linking = req
        .addition
        .as_ref()
        .and_then(|a| a.id())
        .is_some_and(|e| LINKING_EXCEPTIONS.contains(&e.name));
    if linking && base.is_strong_copyleft() {
        Category::WeakCopyleft
    } else {
        base
    }
}

/// `LicenseRef-…` ids polyver itself writes for npm's `UNLICENSED`, proprietary and public
/// domain declarations; any other reference is a custom licence: unknown.
pub fn of_license_ref(name: &str) -> Category {
    match name {
        "UNLICENSED" | "Proprietary" => Category::Proprietary,
        "Public-Domain" => Category::Permissive,
        _ => Category::Unknown,
    }
}

/// The category of an SPDX licence id.
pub fn of_id(id: &str) -> Category {
    use Category::*;
    match id {
        "0BSD"
        | "AFL-1.1"
        | "AFL-1.2"
        | "AFL-2.0"
        | "AFL-2.1"
        | "AFL-3.0"
        | "Apache-1.0"
        | "Apache-1.1"
        | "Apache-2.0"
        | "Artistic-2.0"
        | "Beerware"
        | "BlueOak-1.0.0"
        | "BSD-1-Clause"
        | "BSD-2-Clause"
        | "BSD-2-Clause-Patent"
        | "BSD-2-Clause-Views"
        | "BSD-3-Clause"
        | "BSD-3-Clause-Clear"
        | "BSD-3-Clause-LBNL"
        | "BSD-4-Clause"
        | "BSD-Source-Code"
        | "BSL-1.0"
        | "bzip2-1.0.6"
        | "CC-BY-3.0"
        | "CC-BY-4.0"
        | "CC0-1.0"
        | "CC-PDDC"
        | "CNRI-Python"
        | "curl"
        | "ECL-2.0"
        | "FSFAP"
        | "FTL"
        | "HPND"
        | "ICU"
        | "IJG"
        | "ISC"
        | "JasPer-2.0"
        | "libpng-2.0"
        | "Libpng"
        | "MIT"
        | "MIT-0"
        | "MIT-CMU"
        | "MIT-Modern-Variant"
        | "MIT-advertising"
        | "MIT-enna"
        | "MIT-feh"
        | "MulanPSL-2.0"
        | "NCSA"
        | "NTP"
        | "OpenSSL"
        | "OpenSSL-standalone"
        | "PHP-3.0"
        | "PHP-3.01"
        | "PostgreSQL"
        | "PSF-2.0"
        | "Python-2.0"
        | "Python-2.0.1"
        | "Ruby"
        | "SSLeay-standalone"
        | "TCL"
        | "Unicode-3.0"
        | "Unicode-DFS-2015"
        | "Unicode-DFS-2016"
        | "Unicode-TOU"
        | "Unlicense"
        | "UPL-1.0"
        | "W3C"
        | "W3C-20150513"
        | "WTFPL"
        | "X11"
        | "Xnet"
        | "Zlib"
        | "zlib-acknowledgement"
        | "ZPL-2.0"
        | "ZPL-2.1"
        | "Apache-2.0-with-LLVM-exception"
        | "BSD-3-Clause-Attribution"
        | "ISC-Veillard"
        | "MirOS"
        | "Naumen"
        | "NASA-1.3"
        | "Fair"
        | "Info-ZIP"
        | "Vim" => Permissive,
        "LGPL-2.0"
        | "LGPL-2.0-only"
        | "LGPL-2.0-or-later"
        | "LGPL-2.0+"
        | "LGPL-2.1"
        | "LGPL-2.1-only"
        | "LGPL-2.1-or-later"
        | "LGPL-2.1+"
        | "LGPL-3.0"
        | "LGPL-3.0-only"
        | "LGPL-3.0-or-later"
        | "LGPL-3.0+"
        | "LGPLLR"
        | "MPL-1.0"
        | "MPL-1.1"
        | "MPL-2.0"
        | "MPL-2.0-no-copyleft-exception"
        | "EPL-1.0"
        | "EPL-2.0"
        | "CDDL-1.0"
        | "CDDL-1.1"
        | "CPL-1.0"
        | "IPL-1.0"
        | "MS-RL"
        | "OFL-1.0"
        | "OFL-1.1"
        | "OFL-1.1-RFN"
        | "OFL-1.1-no-RFN"
        | "APSL-2.0"
        | "ErlPL-1.1"
        | "CECILL-C"
        | "CECILL-B"
        | "Artistic-1.0"
        | "Artistic-1.0-Perl"
        | "Artistic-1.0-cl8"
        | "MS-PL"
        | "SPL-1.0"
        | "NPL-1.1"
        | "wxWindows" => WeakCopyleft,
        "GPL-1.0"
        | "GPL-1.0-only"
        | "GPL-1.0-or-later"
        | "GPL-1.0+"
        | "GPL-2.0"
        | "GPL-2.0-only"
        | "GPL-2.0-or-later"
        | "GPL-2.0+"
        | "GPL-3.0"
        | "GPL-3.0-only"
        | "GPL-3.0-or-later"
        | "GPL-3.0+"
        | "EUPL-1.0"
        | "EUPL-1.1"
        | "EUPL-1.2"
        | "OSL-1.0"
        | "OSL-1.1"
        | "OSL-2.0"
        | "OSL-2.1"
        | "CECILL-2.0"
        | "CECILL-2.1"
        | "CC-BY-SA-3.0"
        | "CC-BY-SA-4.0"
        | "CC-BY-SA-2.0"
        | "Sleepycat"
        | "QPL-1.0"
        | "ODbL-1.0"
        | "GPL-2.0-with-classpath-exception"
        | "GPL-2.0-with-GCC-exception" => Copyleft,
        "AGPL-1.0" | "AGPL-1.0-only" | "AGPL-1.0-or-later" | "AGPL-3.0" | "AGPL-3.0-only"
        | "AGPL-3.0-or-later" | "SSPL-1.0" | "RPL-1.1" | "RPL-1.5" | "OSL-3.0" | "CPAL-1.0" => {
            NetworkCopyleft
        }
        "BUSL-1.1"
        | "Elastic-2.0"
        | "JSON"
        | "CC-BY-NC-4.0"
        | "CC-BY-NC-3.0"
        | "CC-BY-NC-SA-4.0"
        | "CC-BY-NC-SA-3.0"
        | "CC-BY-NC-ND-4.0"
        | "CC-BY-NC-ND-3.0"
        | "CC-BY-ND-4.0"
        | "CC-BY-ND-3.0"
        | "PolyForm-Noncommercial-1.0.0"
        | "PolyForm-Small-Business-1.0.0"
        | "Hippocratic-2.1"
        | "SSPL"
        | "Commons-Clause" => Proprietary,
        other => by_family(other),
    }
}

fn by_family(id: &str) -> Category {
    use Category::*;
    let starts = |p: &str| id.starts_with(p);
    if starts("AGPL-") {
        NetworkCopyleft
    } else if starts("LGPL-") || starts("MPL-") || starts("EPL-") || starts("CDDL-") {
        WeakCopyleft
    } else if starts("GPL-") || starts("EUPL-") || starts("OSL-") || starts("CC-BY-SA-") {
        Copyleft
    } else if starts("CC-BY-NC") || starts("CC-BY-ND") || starts("PolyForm-") {
        Proprietary
    } else if starts("BSD-") || starts("MIT") || starts("CC-BY-") || starts("Apache-") {
        Permissive
    } else {
        Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (id, cat) in [
            ("MIT", Category::Permissive),
            ("Apache-2.0", Category::Permissive),
            ("CC0-1.0", Category::Permissive),
            ("MPL-2.0", Category::WeakCopyleft),
            ("LGPL-2.1-or-later", Category::WeakCopyleft),
            ("GPL-3.0-only", Category::Copyleft),
            ("AGPL-3.0-or-later", Category::NetworkCopyleft),
            ("SSPL-1.0", Category::NetworkCopyleft),
            ("BUSL-1.1", Category::Proprietary),
            ("CC-BY-NC-SA-2.5", Category::Proprietary),
            ("GPL-2.0-with-autoconf-exception", Category::Copyleft),
            ("BSD-3-Clause-No-Nuclear-License", Category::Permissive),
            ("Glide", Category::Unknown),
        ] {
            assert_eq!(of_id(id), cat, "{id}");
        }
        // Every id in the table is a real SPDX id (catches typos).
        let req = |e: &str| {
            crate::expression::parse_lenient(e)
                .unwrap()
                .requirements()
                .map(|r| of_requirement(&r.req))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            req("GPL-2.0-only WITH Classpath-exception-2.0"),
            [Category::WeakCopyleft]
        );
        assert_eq!(
            req("GPL-3.0-or-later WITH GPL-3.0-linking-exception"),
            [Category::Copyleft]
        );
        assert_eq!(req("LicenseRef-UNLICENSED"), [Category::Proprietary]);
        assert_eq!(req("LicenseRef-acme"), [Category::Unknown]);
        for name in CATEGORY_NAMES {
            assert_eq!(name.parse::<Category>().unwrap().id(), *name);
        }
        assert!("copyleftish".parse::<Category>().is_err());
    }
}
