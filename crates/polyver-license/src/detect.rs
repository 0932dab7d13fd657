//! Recognizing a licence from its full text (a repository's `LICENSE`, a `License:` field
//! holding the whole text).
//!
//! Each licence of the common set is known by phrases only its text contains (its title
//! line with version, or a sentence no other licence uses), compared after normalization:
//! lowercase, every run of non-alphanumeric characters one space. That survives rewrapping,
//! Markdown and `(c)` variations, and costs one pass over the text. It is not a diff against
//! the full text: a modified licence with its title intact is still recognized, which is the
//! right answer for "what licence family is this" and is said in the result (`phrase`).

/// A licence recognized in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    /// The SPDX id.
    pub id: &'static str,
    /// The normalized phrase that decided it.
    pub phrase: &'static str,
}

/// Texts are looked at up to this size; licence titles come first.
const MAX_TEXT: usize = 256 * 1024;

/// (id, phrases that must all occur). Checked in order: the texts that quote another
/// licence's title (LGPL and AGPL quote the GPL) come first.
const SIGNATURES: &[(&str, &[&str])] = &[
    ("MPL-2.0", &["mozilla public license version 2 0"]),
    (
        "AGPL-3.0-only",
        &["gnu affero general public license version 3 19 november 2007"],
    ),
    (
        "LGPL-3.0-only",
        &["gnu lesser general public license version 3 29 june 2007"],
    ),
    (
        "LGPL-2.1-only",
        &["gnu lesser general public license version 2 1 february 1999"],
    ),
    (
        "LGPL-2.0-only",
        &["gnu library general public license version 2 june 1991"],
    ),
    ("GPL-3.0-only", &["gnu general public license version 3 29 june 2007"]),
    ("GPL-2.0-only", &["gnu general public license version 2 june 1991"]),
    ("EPL-2.0", &["eclipse public license v 2 0"]),
    ("Apache-2.0", &["apache license version 2 0 january 2004"]),
    ("Apache-2.0", &["licensed under the apache license version 2 0"]),
    ("BSL-1.0", &["boost software license version 1 0"]),
    ("CC0-1.0", &["cc0 1 0 universal"]),
    (
        "Unlicense",
        &["this is free and unencumbered software released into the public domain"],
    ),
    (
        "PSF-2.0",
        &["python software foundation license version 2"],
    ),
    (
        "MIT",
        &[
            "permission is hereby granted free of charge to any person obtaining a copy",
            "the above copyright notice and this permission notice shall be included",
        ],
    ),
    (
        "ISC",
        &["with or without fee is hereby granted provided that the above copyright notice and this permission notice appear in all copies"],
    ),
    (
        "0BSD",
        &["permission to use copy modify and or distribute this software for any purpose with or without fee is hereby granted"],
    ),
    (
        "BSD-4-Clause",
        &[
            "redistribution and use in source and binary forms with or without modification are permitted",
            "all advertising materials mentioning features or use of this software",
        ],
    ),
    (
        "BSD-3-Clause",
        &[
            "redistribution and use in source and binary forms with or without modification are permitted",
            "may be used to endorse or promote products derived from this software",
        ],
    ),
    (
        "BSD-2-Clause",
        &["redistribution and use in source and binary forms with or without modification are permitted"],
    ),
    (
        "Zlib",
        &["altered source versions must be plainly marked as such and must not be misrepresented as being the original software"],
    ),
];

/// Lowercase words separated by single spaces.
pub fn normalize_text(text: &str) -> String {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end);
    let mut space = true;
    for ch in text[..end].chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
            space = false;
        } else if !space && ch != '\'' {
            out.push(' ');
            space = true;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The licence whose signature the text contains, if any.
pub fn detect_text(text: &str) -> Option<Detected> {
    let norm = normalize_text(text);
    SIGNATURES.iter().find_map(|(id, phrases)| {
        phrases.iter().all(|p| norm.contains(p)).then(|| Detected {
            id,
            phrase: phrases[phrases.len() - 1],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical texts of the SPDX licence list, as shipped by the `spdx` crate.
    #[test]
    fn recognizes_the_spdx_reference_texts() {
        for id in [
            "MIT",
            "Apache-2.0",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "BSD-4-Clause",
            "GPL-2.0-only",
            "GPL-3.0-only",
            "LGPL-2.0-only",
            "LGPL-2.1-only",
            "LGPL-3.0-only",
            "AGPL-3.0-only",
            "MPL-2.0",
            "ISC",
            "0BSD",
            "Unlicense",
            "BSL-1.0",
            "CC0-1.0",
            "Zlib",
            "EPL-2.0",
        ] {
            let text = spdx::license_id(id).unwrap().text();
            assert_eq!(detect_text(text).map(|d| d.id), Some(id), "{id}");
        }
    }

    #[test]
    fn survives_rewrapping_and_markdown() {
        let text = "# The MIT License (MIT)\n\nCopyright (c) 2024 Someone\n\n**Permission** is hereby granted, free of\ncharge, to any person obtaining a copy\n...\nThe above copyright notice and this permission notice shall be\n   included in all copies.";
        assert_eq!(detect_text(text).unwrap().id, "MIT");
        assert_eq!(detect_text("All rights reserved. Do not copy."), None);
        assert_eq!(detect_text(""), None);
    }
}
