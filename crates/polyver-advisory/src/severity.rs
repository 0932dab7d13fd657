//! An advisory's severity: the highest CVSS v3.x or v4.0 base score among its `severity`
//! vectors (scored with the `cvss` crate, not trusted from text), else the database's own
//! rating (`database_specific.severity`, GHSA's `LOW`/`MODERATE`/`HIGH`/`CRITICAL`), else
//! unknown. CVSS v2 vectors are not used: v2 scores rate differently and OSV sources that
//! carry them also carry v3.

use crate::osv::Advisory;
use polyver_model::FindingSeverity;
use serde::Serialize;
use std::str::FromStr;

/// A scored severity and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rated {
    /// `None` when neither a vector nor a database rating is available.
    pub severity: Option<FindingSeverity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The vector that gave the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    /// `cvss_v3`, `cvss_v4`, `database` or `none`.
    pub source: &'static str,
}

impl Rated {
    pub const UNKNOWN: Rated = Rated {
        severity: None,
        score: None,
        vector: None,
        source: "none",
    };

    fn key(&self) -> (Option<FindingSeverity>, i64) {
        (self.severity, (self.score.unwrap_or(-1.0) * 10.0) as i64)
    }

    /// The more severe of two ratings.
    pub fn max(self, other: Rated) -> Rated {
        if other.key() > self.key() {
            other
        } else {
            self
        }
    }
}

/// Scores one CVSS vector (`CVSS:3.1/...` or `CVSS:4.0/...`).
pub fn score_vector(vector: &str) -> Option<(f64, &'static str)> {
    let parsed = cvss::Cvss::from_str(vector.trim()).ok()?;
    let source = match parsed {
        cvss::Cvss::CvssV30(_) | cvss::Cvss::CvssV31(_) => "cvss_v3",
        cvss::Cvss::CvssV40(_) => "cvss_v4",
        _ => return None,
    };
    Some((parsed.score(), source))
}

/// The severity of one advisory (see the module docs).
pub fn rate(a: &Advisory) -> Rated {
    let mut best: Option<Rated> = None;
    for s in &a.severity {
        if !matches!(s.kind.as_str(), "CVSS_V3" | "CVSS_V4") {
            continue;
        }
        if let Some((score, source)) = score_vector(&s.score) {
            let r = Rated {
                severity: Some(FindingSeverity::from_cvss_score(score)),
                score: Some(score),
                vector: Some(s.score.clone()),
                source,
            };
            best = Some(match best {
                Some(b) => b.max(r),
                None => r,
            });
        }
    }
    if let Some(b) = best {
        return b;
    }
    let database = a
        .database_specific
        .iter()
        .chain(
            a.affected
                .iter()
                .filter_map(|x| x.database_specific.as_ref()),
        )
        .filter_map(|d| d.severity.as_deref())
        .filter_map(|s| FindingSeverity::from_str(s).ok())
        .max();
    match database {
        Some(sev) => Rated {
            severity: Some(sev),
            score: None,
            vector: None,
            source: "database",
        },
        None => Rated::UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_v3_and_v4_vectors() {
        let (s, src) = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!((s, src), (9.8, "cvss_v3"));
        let (s, src) =
            score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
                .unwrap();
        assert_eq!((s, src), (9.3, "cvss_v4"));
        assert!(score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P").is_none());
        assert!(score_vector("garbage").is_none());
    }

    #[test]
    fn falls_back_to_the_database_rating() {
        let a = Advisory::from_json(
            br#"{"id":"GHSA-x","database_specific":{"severity":"MODERATE"},"affected":[]}"#,
        )
        .unwrap();
        let r = rate(&a);
        assert_eq!(r.severity, Some(FindingSeverity::Medium));
        assert_eq!(r.source, "database");
        let a = Advisory::from_json(br#"{"id":"GO-x","affected":[]}"#).unwrap();
        assert_eq!(rate(&a), Rated::UNKNOWN);
    }
}
