//! Version numbers as Python's `int` holds them: any size, up to its digit limit.

use super::ParseError;
use std::cmp::Ordering;
use std::fmt;

/// Python's `int()` refuses longer digit strings (`sys.int_info.default_max_str_digits`), so
/// `packaging` raises on them: such versions are invalid here too.
pub(super) const MAX_DIGITS: usize = 4300;

/// A non-negative integer of any size, as Python's `int` holds version components.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Num(pub(super) Repr);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Repr {
    Small(u64),
    /// Above `u64::MAX`: decimal digits, no leading zero. Boxed twice to keep `Num` small.
    Big(Box<Box<str>>),
    /// Only in range bounds: the post number of the point above every `V.postN` (see
    /// [`Version::after_posts`]).
    Inf,
}

impl Num {
    pub const ZERO: Num = Num(Repr::Small(0));

    pub fn new(n: u64) -> Num {
        Num(Repr::Small(n))
    }

    /// Parses a non-empty run of ASCII digits.
    pub(super) fn from_digits(d: &[u8]) -> Result<Num, ParseError> {
        if d.len() > MAX_DIGITS {
            return Err(ParseError::TooManyDigits {
                digits: d.len(),
                limit: MAX_DIGITS,
            });
        }
        let start = d.iter().position(|&c| c != b'0').unwrap_or(d.len());
        let d = &d[start..];
        if d.len() < 20 || (d.len() == 20 && d <= b"18446744073709551615".as_slice()) {
            let n = d.iter().fold(0u64, |n, &c| {
                n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
            });
            return Ok(Num(Repr::Small(n)));
        }
        // Digits are ASCII, so this is valid UTF-8.
        let s = String::from_utf8_lossy(d).into_owned();
        Ok(Num(Repr::Big(Box::new(s.into_boxed_str()))))
    }

    /// The value, when it fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Repr::Small(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.0, Repr::Small(0))
    }

    /// `self + 1`.
    pub fn succ(&self) -> Num {
        match &self.0 {
            Repr::Small(n) => match n.checked_add(1) {
                Some(m) => Num(Repr::Small(m)),
                None => Num(Repr::Big(Box::new("18446744073709551616".into()))),
            },
            Repr::Big(s) => {
                let mut d = s.as_bytes().to_vec();
                let mut i = d.len();
                loop {
                    if i == 0 {
                        d.insert(0, b'1');
                        break;
                    }
                    i -= 1;
                    if d[i] == b'9' {
                        d[i] = b'0';
                    } else {
                        d[i] += 1;
                        break;
                    }
                }
                let s = String::from_utf8_lossy(&d).into_owned();
                Num(Repr::Big(Box::new(s.into_boxed_str())))
            }
            Repr::Inf => Num(Repr::Inf),
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a), Repr::Small(b)) => a.cmp(b),
            (Repr::Small(_), _) => Ordering::Less,
            (_, Repr::Small(_)) => Ordering::Greater,
            (Repr::Big(a), Repr::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Repr::Big(_), Repr::Inf) => Ordering::Less,
            (Repr::Inf, Repr::Big(_)) => Ordering::Greater,
            (Repr::Inf, Repr::Inf) => Ordering::Equal,
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n) => write!(f, "{n}"),
            Repr::Big(s) => f.write_str(s),
            Repr::Inf => f.write_str("∞"),
        }
    }
}
