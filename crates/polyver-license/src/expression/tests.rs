use super::*;

#[test]
fn free_text_table() {
    let cases = [
        ("MIT", Some("MIT"), Rule::Spdx),
        (
            "(MIT OR Apache-2.0)",
            Some("(MIT OR Apache-2.0)"),
            Rule::Spdx,
        ),
        (
            "Apache-2.0 WITH LLVM-exception",
            Some("Apache-2.0 WITH LLVM-exception"),
            Rule::Spdx,
        ),
        ("Apache 2.0", Some("Apache-2.0"), Rule::Alias),
        (
            "Apache License, Version 2.0",
            Some("Apache-2.0"),
            Rule::Alias,
        ),
        ("MIT License", Some("MIT"), Rule::Alias),
        ("The MIT Licence.", Some("MIT"), Rule::Alias),
        ("BSD", Some("BSD-3-Clause"), Rule::Guess),
        ("BSD License", Some("BSD-3-Clause"), Rule::Guess),
        ("new BSD license", Some("BSD-3-Clause"), Rule::Alias),
        ("GPL-2.0", Some("GPL-2.0-only"), Rule::Normalized),
        ("GPL-2.0+", Some("GPL-2.0-or-later"), Rule::Normalized),
        ("LGPL-2.1+", Some("LGPL-2.1-or-later"), Rule::Normalized),
        (
            "MIT/Apache-2.0",
            Some("MIT OR Apache-2.0"),
            Rule::Normalized,
        ),
        (
            "mit or apache-2.0",
            Some("MIT OR Apache-2.0"),
            Rule::Normalized,
        ),
        ("Apache-1.0+", Some("Apache-1.0+"), Rule::Spdx),
        (
            "MIT License OR Apache 2.0",
            Some("MIT OR Apache-2.0"),
            Rule::Alias,
        ),
        ("UNLICENSED", Some("LicenseRef-UNLICENSED"), Rule::Alias),
        ("Unlicense", Some("Unlicense"), Rule::Spdx),
        (
            "Python Software Foundation License",
            Some("PSF-2.0"),
            Rule::Alias,
        ),
        ("SEE LICENSE IN LICENSE.md", None, Rule::Unknown),
        ("UNKNOWN", None, Rule::Unknown),
        ("", None, Rule::Unknown),
        ("Totally Custom Terms v7", None, Rule::Unknown),
        ("Apache License 2.0", Some("Apache-2.0"), Rule::Alias),
        ("GNU GPLv3", Some("GPL-3.0-only"), Rule::Alias),
        ("LGPLv3+", Some("LGPL-3.0-or-later"), Rule::Alias),
        ("BSD-style license", Some("BSD-3-Clause"), Rule::Guess),
        ("PSF License", Some("PSF-2.0"), Rule::Alias),
        ("ZPL 2.1", Some("ZPL-2.1"), Rule::Alias),
        ("MIT/X11", Some("MIT"), Rule::Alias),
        ("mit", Some("MIT"), Rule::Normalized),
        ("apache-2.0", Some("Apache-2.0"), Rule::Normalized),
        ("GPLv2+", Some("GPL-2.0-or-later"), Rule::Alias),
        ("Dual License", None, Rule::Unknown),
    ];
    for (input, expression, rule) in cases {
        let n = normalize(input);
        assert_eq!(
            (n.expression.as_deref(), n.rule),
            (expression, rule),
            "{input:?} → {n:?}"
        );
        if rule == Rule::Guess || rule == Rule::Unknown {
            assert!(n.note.is_some(), "{input:?} must say why");
        }
        if let Some(e) = &n.expression {
            assert!(parse_lenient(e).is_some(), "{e} must parse");
        }
    }
    assert_eq!(
        normalize("SEE LICENSE IN LICENSE.md").note.as_deref(),
        Some("a custom licence in the package's LICENSE.md")
    );
}

#[test]
fn never_panics_on_hostile_input() {
    let long = "MIT OR ".repeat(10_000);
    let nested = format!("{}MIT{}", "(".repeat(300), ")".repeat(300));
    for input in [
        "SEE LICENCE IN İİİ.md",
        "see license in",
        "İ",
        "(",
        ")",
        "MIT AND",
        "OR OR OR",
        "MIT WITH",
        "+",
        "GPL-2.0++",
        "LicenseRef-",
        "MIT / / Apache-2.0",
        "\u{0}\u{feff}MIT",
        "mit or",
        " or ",
        long.as_str(),
        nested.as_str(),
    ] {
        let n = normalize(input);
        if let Some(e) = &n.expression {
            assert!(parse_lenient(e).is_some(), "{input:?} gave unparsable {e}");
        }
    }
}

#[test]
fn classifiers() {
    let cases = [
        (
            "License :: OSI Approved :: MIT License",
            Some("MIT"),
            Rule::Classifier,
        ),
        (
            "License :: OSI Approved :: Apache Software License",
            Some("Apache-2.0"),
            Rule::Guess,
        ),
        (
            "License :: OSI Approved :: BSD License",
            Some("BSD-3-Clause"),
            Rule::Guess,
        ),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)",
            Some("LGPL-3.0-or-later"),
            Rule::Classifier,
        ),
        (
            "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
            Some("MPL-2.0"),
            Rule::Classifier,
        ),
        (
            "License :: Public Domain",
            Some("LicenseRef-Public-Domain"),
            Rule::Classifier,
        ),
        (
            "License :: Other/Proprietary License",
            Some("LicenseRef-Proprietary"),
            Rule::Classifier,
        ),
    ];
    for (input, expression, rule) in cases {
        let n = from_classifier(input).unwrap();
        assert_eq!(
            (n.expression.as_deref(), n.rule),
            (expression, rule),
            "{input}"
        );
    }
    assert!(from_classifier("License :: OSI Approved").is_none());
    assert!(from_classifier("Programming Language :: Python").is_none());
}
