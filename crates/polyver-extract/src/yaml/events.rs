//! libyaml's event parser behind a safe, pull-style interface.
//!
//! Why libyaml: it decides what is YAML for the tools users run on these files — PyYAML,
//! Ruby's Psych, Ansible, and (through the same grammar) Docker Compose and Kubernetes
//! tooling accept what it accepts. `yaml-rust2` and `saphyr-parser` refuse real files that
//! those tools read (a flow list whose `]` sits at its key's indentation, a multi-line quoted
//! scalar continued at its key's indentation); `libyaml-safer` panics on some valid files.
//! `unsafe-libyaml` is libyaml 0.2.5 translated to Rust line by line (no C toolchain, the
//! parser serde_yaml used), and its verdict matched the C libyaml's on every one of the
//! 2,973 YAML files of the issue-14 repositories (docs/yaml-parsers.md has the comparison).
//!
//! The `unsafe` is confined to this module: the parser lives in a `Box` it never leaves
//! (libyaml keeps a pointer to itself for string input), borrows the input for its whole
//! life, and every event is copied out and freed before the next one is asked for.
//! libyaml's parser is an explicit state machine — no recursion, whatever the nesting.

use std::ffi::CStr;
use std::mem::MaybeUninit;

/// A 1-based line and 1-based character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    pub line: u32,
    pub column: u32,
}

impl Mark {
    /// A libyaml mark (0-based) in a text whose first line is line `first_line` of the file.
    fn from_sys(m: unsafe_libyaml::yaml_mark_t, first_line: u32) -> Mark {
        let line = u32::try_from(m.line).unwrap_or(u32::MAX);
        Mark {
            line: line.saturating_add(first_line),
            column: u32::try_from(m.column).unwrap_or(u32::MAX - 1) + 1,
        }
    }
}

/// One parsing event with what the loader needs of it (tags and styles other than "plain"
/// are dropped).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Event {
    StreamEnd,
    /// Stream and document starts and ends: nothing for the loader to do.
    Boundary,
    Scalar {
        text: String,
        /// Written without quotes and not as a block scalar.
        plain: bool,
        anchor: Option<String>,
    },
    Alias(String),
    SequenceStart(Option<String>),
    SequenceEnd,
    MappingStart(Option<String>),
    MappingEnd,
}

/// Why the text is not YAML, where.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub mark: Mark,
    pub message: String,
}

/// A libyaml parser reading `input`, pinned in its box.
pub(crate) struct EventParser<'input> {
    parser: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    done: bool,
    text: &'input str,
    first_line: u32,
}

impl<'input> EventParser<'input> {
    /// A parser of `text`, whose first line is line `first_line` (1-based) of its file.
    pub fn new(text: &'input str, first_line: u32) -> EventParser<'input> {
        let mut parser = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        let raw = parser.as_mut_ptr();
        // SAFETY: `raw` points to boxed memory that never moves while the parser lives (it
        // is freed in `Drop`); initialisation only fails when allocation fails, which
        // aborts in Rust. The input is borrowed for `'input`, as long as the parser.
        unsafe {
            let initialised = !unsafe_libyaml::yaml_parser_initialize(raw).fail;
            assert!(initialised, "libyaml parser could not be initialised");
            unsafe_libyaml::yaml_parser_set_encoding(raw, unsafe_libyaml::YAML_UTF8_ENCODING);
            unsafe_libyaml::yaml_parser_set_input_string(raw, text.as_ptr(), text.len() as u64);
        }
        EventParser {
            parser,
            done: false,
            text,
            first_line,
        }
    }

    /// The next event and where it starts. After the stream's end or an error, keeps
    /// answering `StreamEnd` (libyaml must not be called again after an error).
    pub fn next_event(&mut self) -> Result<(Event, Mark), SyntaxError> {
        if self.done {
            return Ok((
                Event::StreamEnd,
                Mark {
                    line: self.first_line,
                    column: 1,
                },
            ));
        }
        let raw = self.parser.as_mut_ptr();
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new` and is not used after an error;
        // on success libyaml has initialised `event`, which is read and then freed once.
        unsafe {
            if unsafe_libyaml::yaml_parser_parse(raw, event.as_mut_ptr()).fail {
                self.done = true;
                return Err(self.error());
            }
            let event = event.assume_init_mut();
            let converted = convert(event);
            let mark = Mark::from_sys(event.start_mark, self.first_line);
            unsafe_libyaml::yaml_event_delete(event);
            if converted == Event::StreamEnd {
                self.done = true;
            }
            Ok((converted, mark))
        }
    }

    /// The parser's error after a failed `yaml_parser_parse`.
    ///
    /// # Safety
    /// The parser must be initialised (it is from `new` on).
    unsafe fn error(&self) -> SyntaxError {
        let parser: &unsafe_libyaml::yaml_parser_t = &*self.parser.as_ptr();
        let problem = c_text(parser.problem);
        if parser.error == unsafe_libyaml::YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark.
            return SyntaxError {
                mark: mark_at_offset(self.text, parser.problem_offset as usize, self.first_line),
                message: problem.unwrap_or_else(|| "invalid input".into()),
            };
        }
        let problem = problem.unwrap_or_else(|| "invalid YAML".into());
        let message = match c_text(parser.context) {
            Some(context) => format!(
                "{problem} ({context} at line {})",
                Mark::from_sys(parser.context_mark, self.first_line).line
            ),
            None => problem,
        };
        SyntaxError {
            mark: Mark::from_sys(parser.problem_mark, self.first_line),
            message,
        }
    }
}

impl Drop for EventParser<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted exactly once here.
        unsafe { unsafe_libyaml::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

/// Copies what the loader needs out of a libyaml event.
///
/// # Safety
/// `event` must be an event libyaml has just produced (not yet deleted).
unsafe fn convert(event: &unsafe_libyaml::yaml_event_t) -> Event {
    match event.type_ {
        unsafe_libyaml::YAML_STREAM_END_EVENT => Event::StreamEnd,
        unsafe_libyaml::YAML_SCALAR_EVENT => {
            let scalar = event.data.scalar;
            let bytes = if scalar.value.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(scalar.value, scalar.length as usize)
            };
            Event::Scalar {
                // libyaml checked the input is UTF-8 and writes UTF-8 back.
                text: String::from_utf8_lossy(bytes).into_owned(),
                plain: scalar.style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE,
                anchor: c_text(scalar.anchor),
            }
        }
        unsafe_libyaml::YAML_ALIAS_EVENT => {
            Event::Alias(c_text(event.data.alias.anchor).unwrap_or_default())
        }
        unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
            Event::SequenceStart(c_text(event.data.sequence_start.anchor))
        }
        unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
        unsafe_libyaml::YAML_MAPPING_START_EVENT => {
            Event::MappingStart(c_text(event.data.mapping_start.anchor))
        }
        unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::MappingEnd,
        _ => Event::Boundary,
    }
}

/// A NUL-terminated string libyaml owns, copied; `None` for a null pointer.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string alive for the call.
unsafe fn c_text<T>(p: *const T) -> Option<String> {
    (!p.is_null()).then(|| CStr::from_ptr(p.cast()).to_string_lossy().into_owned())
}

/// The line and character column of byte `offset` of `text` (which starts at `first_line`).
fn mark_at_offset(text: &str, offset: usize, first_line: u32) -> Mark {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Mark {
        line: u32::try_from(before.matches('\n').count())
            .unwrap_or(u32::MAX)
            .saturating_add(first_line),
        column: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
    }
}
