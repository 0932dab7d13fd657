//! The HTTP header grammar a registry client has to read: `WWW-Authenticate` challenges
//! (RFC 9110 §11.6.1), `Link` headers (RFC 8288) with their relative references (RFC 3986
//! §5), and the query encoding of a token request.

use std::collections::BTreeMap;

/// One authentication challenge: its scheme (lower-cased) and its parameters (names
/// lower-cased, quoted values unescaped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub scheme: String,
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// The challenges of a `WWW-Authenticate` value
/// (`Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`; several
/// challenges may share one value, separated by commas).
pub(crate) fn parse_challenges(value: &str) -> Vec<Challenge> {
    let mut scanner = Scanner { rest: value };
    let mut challenges: Vec<Challenge> = Vec::new();
    loop {
        scanner.skip(|c| c == ',' || c.is_whitespace());
        let token = scanner.token();
        if token.is_empty() {
            // Nothing readable is left (or a stray character): stop at what was read.
            break;
        }
        scanner.skip(char::is_whitespace);
        if scanner.rest.starts_with('=') && !challenges.is_empty() {
            scanner.rest = &scanner.rest[1..];
            scanner.skip(char::is_whitespace);
            let value = if scanner.rest.starts_with('"') {
                scanner.quoted()
            } else {
                scanner.token().to_string()
            };
            if let Some(challenge) = challenges.last_mut() {
                challenge.params.insert(token.to_ascii_lowercase(), value);
            }
        } else {
            challenges.push(Challenge {
                scheme: token.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
        }
    }
    challenges
}

/// The target of the `rel="next"` link of a `Link` value, as written (maybe relative).
pub(crate) fn next_link(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let params_end = rest[close..].find('<').map_or(rest.len(), |i| close + i);
        let params = &rest[close + 1..params_end];
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target);
        }
        rest = &rest[params_end..];
    }
    None
}

/// `reference` resolved against the absolute URL `base` (RFC 3986 §5.2, without dot-segment
/// removal: registries link with absolute paths or whole URLs).
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    if has_scheme(reference) {
        return reference.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(base.len(), |i| scheme_end + i);
    let path_and_query = &base[authority_end..];
    let path = &path_and_query[..path_and_query
        .find(['?', '#'])
        .unwrap_or(path_and_query.len())];
    if let Some(network_path) = reference.strip_prefix("//") {
        format!("{}{network_path}", &base[..scheme_end])
    } else if reference.starts_with('/') {
        format!("{}{reference}", &base[..authority_end])
    } else if reference.starts_with('?') {
        format!("{}{path}{reference}", &base[..authority_end])
    } else if reference.is_empty() || reference.starts_with('#') {
        base.to_string()
    } else {
        let directory = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let directory = if directory.is_empty() { "/" } else { directory };
        format!("{}{directory}{reference}", &base[..authority_end])
    }
}

/// `scheme://authority` of an absolute URL, lower-cased, to compare origins.
pub(crate) fn origin(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    url[..end].to_ascii_lowercase()
}

/// Percent-encodes a query value: everything but RFC 3986's unreserved characters.
pub(crate) fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn has_scheme(reference: &str) -> bool {
    reference.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Reads tokens and quoted strings off the front of a header value.
struct Scanner<'a> {
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    fn skip(&mut self, what: impl Fn(char) -> bool) {
        self.rest = self.rest.trim_start_matches(what);
    }

    /// An RFC 9110 token, also admitting `/` and `:` so that an unquoted URL reads whole.
    fn token(&mut self) -> &'a str {
        let end = self
            .rest
            .find(|c: char| !is_token_char(c))
            .unwrap_or(self.rest.len());
        let (token, rest) = self.rest.split_at(end);
        self.rest = rest;
        token
    }

    /// A quoted string from its opening quote, unescaped; an unterminated one runs to the end.
    fn quoted(&mut self) -> String {
        let mut out = String::new();
        let mut chars = self.rest[1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &self.rest[1 + i + 1..];
                    return out;
                }
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        out.push(escaped);
                    }
                }
                c => out.push(c),
            }
        }
        self.rest = "";
        out
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~/:".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_docker_hub_bearer_challenge() {
        let challenges = parse_challenges(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull""#,
        );
        assert_eq!(challenges.len(), 1);
        let bearer = &challenges[0];
        assert_eq!(bearer.scheme, "bearer");
        assert_eq!(bearer.param("realm"), Some("https://auth.docker.io/token"));
        assert_eq!(bearer.param("service"), Some("registry.docker.io"));
        assert_eq!(
            bearer.param("scope"),
            Some("repository:library/postgres:pull")
        );
    }

    #[test]
    fn several_challenges_spaces_escapes_and_unquoted_values() {
        let challenges = parse_challenges(
            r#"Basic realm="Registry \"x\"", Bearer  realm = "https://a/token" , error=insufficient_scope"#,
        );
        assert_eq!(challenges.len(), 2);
        assert_eq!(challenges[0].scheme, "basic");
        assert_eq!(challenges[0].param("realm"), Some(r#"Registry "x""#));
        assert_eq!(challenges[1].scheme, "bearer");
        assert_eq!(challenges[1].param("realm"), Some("https://a/token"));
        assert_eq!(challenges[1].param("error"), Some("insufficient_scope"));
        assert_eq!(parse_challenges("").len(), 0);
        assert_eq!(
            parse_challenges(r#"Bearer realm="unterminated"#)[0].param("realm"),
            Some("unterminated")
        );
    }

    #[test]
    fn the_next_link_among_others() {
        assert_eq!(
            next_link(r#"</v2/library/python/tags/list?last=3.9&n=1000>; rel="next""#),
            Some("/v2/library/python/tags/list?last=3.9&n=1000")
        );
        assert_eq!(
            next_link(r#"<https://r/a?x=1,2>; rel="prev", <https://r/b>; title="t"; rel=next"#),
            Some("https://r/b")
        );
        assert_eq!(next_link(r#"<https://r/a>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link("<unterminated; rel=next"), None);
    }

    #[test]
    fn relative_links_resolve_against_the_request() {
        let base = "https://r.example:5000/v2/x/tags/list?n=2";
        assert_eq!(
            resolve(base, "/v2/x/tags/list?n=2&last=b"),
            "https://r.example:5000/v2/x/tags/list?n=2&last=b"
        );
        assert_eq!(
            resolve(base, "?n=2&last=b"),
            "https://r.example:5000/v2/x/tags/list?n=2&last=b"
        );
        assert_eq!(
            resolve(base, "list?last=b"),
            "https://r.example:5000/v2/x/tags/list?last=b"
        );
        assert_eq!(resolve(base, "//cdn.example/p"), "https://cdn.example/p");
        assert_eq!(resolve(base, "http://other/p"), "http://other/p");
        assert_eq!(resolve("http://h", "a"), "http://h/a");
    }

    #[test]
    fn origins_and_query_values() {
        assert_eq!(origin("HTTPS://Ghcr.io/v2/x?y"), "https://ghcr.io");
        assert_eq!(origin("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(
            encode_query_value("repository:library/a b:pull"),
            "repository%3Alibrary%2Fa%20b%3Apull"
        );
    }
}
