//! The local advisory database: one file, replaced atomically on every import or sync.
//!
//! Why not SQLite: the audit only ever asks "the advisories of these (ecosystem, name)
//! pairs", and writes always rebuild a whole snapshot. A sorted key index in front of the
//! advisory blobs answers that with one small read per package, opens in microseconds and
//! needs no native dependency. Layout (integers little-endian):
//!
//! ```text
//! "PVOSVDB2" | u64 meta length | u32 CRC-32 of meta
//! meta:    JSON: format, per-ecosystem state, section lengths and CRC-32s
//! keys:    u32 count, then per key: u16+ecosystem, u16+normalized name, u32 n, n × u32 blob
//! table:   per blob: u64 offset (from the start of blobs), u32 length, u32 CRC-32 of the blob
//! catalog: per blob: u16+id, u16+modified, u32 n, n × key        (read only when rewriting)
//! blobs:   one compact JSON advisory each (see `osv::Advisory`)
//! ```
//!
//! Why checksums: one changed byte in a blob (a `fixed` version) would otherwise hide an
//! advisory without a trace. Opening checks the header, meta and key index (small, so
//! cheap); every blob is checked when it is read; [`Database::verify`] checks the whole
//! file. A damaged file is an error, never fewer findings. CRC-32 (crc32fast, SIMD) finds
//! accidental damage — disk, copy, truncation — not deliberate forgery, which needs write
//! access to the file anyway.
//!
//! Writes go to a temporary file in the same directory, are fsynced, then renamed over the
//! old file (and the directory fsynced): a failed or interrupted import leaves the previous
//! database intact and usable, and readers never see half a file.

use crate::osv::Advisory;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

mod writer;

use writer::Entry;

pub use writer::{touch, update, Mode, Origin, UpdateSummary};

const MAGIC: &[u8; 8] = b"PVOSVDB2";
/// The magic without its format digit: what every format of this file starts with.
const MAGIC_FAMILY: &[u8; 7] = b"PVOSVDB";
const FORMAT: u32 = 2;
/// The header: magic, meta length, meta CRC.
const HEAD_LEN: u64 = 20;
/// A blob table entry: offset, length, CRC.
const TABLE_ENTRY: u64 = 16;
/// The file name inside the database directory.
pub const FILE_NAME: &str = "advisories.pvdb";

/// What the database knows about one OSV ecosystem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EcosystemMeta {
    pub advisories: usize,
    pub packages: usize,
    /// Unix seconds of the last import or sync that touched this ecosystem.
    pub imported_at: u64,
    /// Where it came from: a path or a URL.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The newest `modified` among its advisories.
    #[serde(default)]
    pub newest_modified: String,
    /// Withdrawn advisories left out by the last import.
    #[serde(default)]
    pub withdrawn: usize,
    /// Corrupt advisories skipped by the last import.
    #[serde(default)]
    pub skipped: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Meta {
    format: u32,
    ecosystems: BTreeMap<String, EcosystemMeta>,
    keys_len: u64,
    table_len: u64,
    catalog_len: u64,
    blobs_len: u64,
    keys_crc: u32,
    table_crc: u32,
    catalog_crc: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no advisory database at {0}")]
    Missing(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a polyver advisory database or damaged ({reason})")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path}: advisory database format {found} was written by an older polyver (this one reads format {FORMAT})")]
    OldFormat { path: PathBuf, found: String },
}

/// What [`Database::verify`] checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub advisories: u64,
    pub bytes: u64,
}

struct Key {
    eco: Box<str>,
    name: Box<str>,
    first: u32,
    count: u32,
}

/// An open database. Cheap to open: only the key index is read.
pub struct Database {
    path: PathBuf,
    file: File,
    len: u64,
    meta: Meta,
    keys: Vec<Key>,
    postings: Vec<u32>,
    table_start: u64,
    catalog_start: u64,
    blobs_start: u64,
}

impl Database {
    /// The database file under a database directory.
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    pub fn open(path: &Path) -> Result<Database, DbError> {
        let io = |source: std::io::Error| DbError::Io {
            path: path.to_path_buf(),
            source,
        };
        let corrupt = |reason: &str| DbError::Corrupt {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        };
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DbError::Missing(path.to_path_buf()))
            }
            Err(e) => return Err(io(e)),
        };
        let len = file.metadata().map_err(io)?.len();
        let mut magic = [0u8; 8];
        file.read_exact(&mut magic)
            .map_err(|_| corrupt("shorter than its header"))?;
        if &magic != MAGIC {
            if magic.starts_with(MAGIC_FAMILY) {
                return Err(DbError::OldFormat {
                    path: path.to_path_buf(),
                    found: String::from_utf8_lossy(&magic[7..]).into_owned(),
                });
            }
            return Err(corrupt("wrong magic"));
        }
        let mut head = [0u8; 12];
        file.read_exact(&mut head)
            .map_err(|_| corrupt("shorter than its header"))?;
        let meta_len = u64::from_le_bytes(head[..8].try_into().unwrap_or_default());
        let meta_crc = u32::from_le_bytes(head[8..].try_into().unwrap_or_default());
        if meta_len > len {
            return Err(corrupt("meta length beyond the end"));
        }
        let mut meta_bytes = vec![0; meta_len as usize];
        file.read_exact(&mut meta_bytes)
            .map_err(|_| corrupt("meta beyond the end"))?;
        if crc32fast::hash(&meta_bytes) != meta_crc {
            return Err(corrupt("header checksum mismatch"));
        }
        let meta: Meta =
            serde_json::from_slice(&meta_bytes).map_err(|e| corrupt(&e.to_string()))?;
        if meta.format != FORMAT {
            return Err(corrupt(&format!(
                "format {} (expected {FORMAT})",
                meta.format
            )));
        }
        let keys_start = HEAD_LEN + meta_len;
        let table_start = keys_start.saturating_add(meta.keys_len);
        let catalog_start = table_start.saturating_add(meta.table_len);
        let blobs_start = catalog_start.saturating_add(meta.catalog_len);
        // A truncated or extended file is found here, before any blob is read.
        if blobs_start.saturating_add(meta.blobs_len) != len {
            return Err(corrupt(&format!(
                "{len} bytes where its sections take {}",
                blobs_start.saturating_add(meta.blobs_len)
            )));
        }
        if !meta.table_len.is_multiple_of(TABLE_ENTRY) {
            return Err(corrupt("blob table length"));
        }
        let mut keys_bytes = vec![0; meta.keys_len as usize];
        file.read_exact(&mut keys_bytes).map_err(io)?;
        if crc32fast::hash(&keys_bytes) != meta.keys_crc {
            return Err(corrupt("key index checksum mismatch"));
        }
        let mut r = Cursor::new(&keys_bytes);
        let n = r.u32().ok_or_else(|| corrupt("key index"))?;
        // A key takes at least 8 bytes: never trust a count the section cannot hold.
        if u64::from(n) > meta.keys_len / 8 {
            return Err(corrupt("key count beyond the index"));
        }
        let mut keys = Vec::with_capacity(n as usize);
        let mut postings = Vec::new();
        for _ in 0..n {
            let (eco, name, count) =
                (|| Some((r.str()?, r.str()?, r.u32()?)))().ok_or_else(|| corrupt("key index"))?;
            let first = postings.len() as u32;
            for _ in 0..count {
                postings.push(r.u32().ok_or_else(|| corrupt("key index"))?);
            }
            keys.push(Key {
                eco: eco.into(),
                name: name.into(),
                first,
                count,
            });
        }
        let blob_count = meta.table_len / TABLE_ENTRY;
        if postings.iter().any(|&b| u64::from(b) >= blob_count) {
            return Err(corrupt("index points past the blob table"));
        }
        Ok(Database {
            path: path.to_path_buf(),
            file,
            len,
            meta,
            keys,
            postings,
            table_start,
            catalog_start,
            blobs_start,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn ecosystems(&self) -> &BTreeMap<String, EcosystemMeta> {
        &self.meta.ecosystems
    }

    /// Number of distinct advisories stored.
    pub fn advisory_count(&self) -> u64 {
        self.meta.table_len / TABLE_ENTRY
    }

    /// Every (OSV ecosystem, normalized name) with advisories, sorted.
    pub fn packages(&self) -> impl Iterator<Item = (&str, &str)> {
        self.keys.iter().map(|k| (&*k.eco, &*k.name))
    }

    /// The blob numbers of the advisories of one package (`name` already normalized).
    pub fn lookup(&self, osv_ecosystem: &str, name: &str) -> &[u32] {
        let found = self
            .keys
            .binary_search_by(|k| (&*k.eco, &*k.name).cmp(&(osv_ecosystem, name)));
        match found {
            Ok(i) => {
                let k = &self.keys[i];
                &self.postings[k.first as usize..(k.first + k.count) as usize]
            }
            Err(_) => &[],
        }
    }

    /// Reads and parses one advisory.
    pub fn load(&self, blob: u32) -> Result<Advisory, DbError> {
        let bytes = self.raw(blob)?;
        serde_json::from_slice(&bytes).map_err(|e| DbError::Corrupt {
            path: self.path.clone(),
            reason: format!("advisory blob {blob}: {e}"),
        })
    }

    fn raw(&self, blob: u32) -> Result<Vec<u8>, DbError> {
        let mut entry = [0u8; TABLE_ENTRY as usize];
        self.read_at(self.table_start + u64::from(blob) * TABLE_ENTRY, &mut entry)?;
        self.blob_of(blob, &entry)
    }

    /// Reads the blob a table entry points to and checks its CRC.
    fn blob_of(&self, blob: u32, entry: &[u8]) -> Result<Vec<u8>, DbError> {
        let field = |at: usize, n: usize| entry.get(at..at + n).unwrap_or_default();
        let off = u64::from_le_bytes(field(0, 8).try_into().unwrap_or_default());
        let len = u32::from_le_bytes(field(8, 4).try_into().unwrap_or_default());
        let crc = u32::from_le_bytes(field(12, 4).try_into().unwrap_or_default());
        let corrupt = |what: &str| DbError::Corrupt {
            path: self.path.clone(),
            reason: format!("advisory record {blob} {what}"),
        };
        // The offset comes from the file: a damaged one can be anything up to u64::MAX.
        let start = self.blobs_start.checked_add(off);
        let Some(start) = start.filter(|s| s.saturating_add(u64::from(len)) <= self.len) else {
            return Err(corrupt("beyond the end"));
        };
        let mut bytes = vec![0; len as usize];
        self.read_at(start, &mut bytes)?;
        if crc32fast::hash(&bytes) != crc {
            return Err(corrupt("fails its checksum"));
        }
        Ok(bytes)
    }

    /// A whole section, checked against its CRC.
    fn section(&self, start: u64, len: u64, crc: u32, name: &str) -> Result<Vec<u8>, DbError> {
        let mut bytes = vec![0; len as usize]; // bounded by `open`
        self.read_at(start, &mut bytes)?;
        if crc32fast::hash(&bytes) != crc {
            return Err(DbError::Corrupt {
                path: self.path.clone(),
                reason: format!("{name} checksum mismatch"),
            });
        }
        Ok(bytes)
    }

    /// Checks every byte of the file against its checksums (`db status --verify`): the
    /// blob table, the catalog, and every advisory record, which must also tile the blob
    /// section exactly.
    pub fn verify(&self) -> Result<Verified, DbError> {
        let table = self.section(
            self.table_start,
            self.meta.table_len,
            self.meta.table_crc,
            "blob table",
        )?;
        self.section(
            self.catalog_start,
            self.meta.catalog_len,
            self.meta.catalog_crc,
            "catalog",
        )?;
        let mut next = 0u64;
        for (blob, entry) in table.chunks_exact(TABLE_ENTRY as usize).enumerate() {
            let off = u64::from_le_bytes(entry[..8].try_into().unwrap_or_default());
            if off != next {
                return Err(DbError::Corrupt {
                    path: self.path.clone(),
                    reason: format!("advisory record {blob} out of place"),
                });
            }
            next += self.blob_of(blob as u32, entry)?.len() as u64;
        }
        if next != self.meta.blobs_len {
            return Err(DbError::Corrupt {
                path: self.path.clone(),
                reason: "advisory records do not fill their section".to_string(),
            });
        }
        Ok(Verified {
            advisories: self.advisory_count(),
            bytes: self.len,
        })
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), DbError> {
        read_exact_at(&self.file, buf, offset).map_err(|source| DbError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Every stored advisory as raw JSON with its catalog entry (for rewriting; no JSON is
    /// parsed).
    fn entries(&self) -> Result<Vec<Entry>, DbError> {
        let corrupt = || DbError::Corrupt {
            path: self.path.clone(),
            reason: "catalog".to_string(),
        };
        let table = self.section(
            self.table_start,
            self.meta.table_len,
            self.meta.table_crc,
            "blob table",
        )?;
        let catalog = self.section(
            self.catalog_start,
            self.meta.catalog_len,
            self.meta.catalog_crc,
            "catalog",
        )?;
        let mut entries = table.chunks_exact(TABLE_ENTRY as usize);
        let mut r = Cursor::new(&catalog);
        let mut out = Vec::new();
        for blob in 0..self.advisory_count() as u32 {
            let id = r.str().ok_or_else(corrupt)?.to_string();
            let modified = r.str().ok_or_else(corrupt)?.to_string();
            let n = r.u32().ok_or_else(corrupt)?;
            let mut keys = BTreeSet::new();
            for _ in 0..n {
                let eco = r.str().ok_or_else(corrupt)?.to_string();
                let name = r.str().ok_or_else(corrupt)?.to_string();
                keys.insert((eco, name));
            }
            out.push(Entry {
                id,
                ecosystems: keys.iter().map(|(e, _)| e.clone()).collect(),
                keys,
                modified,
                json: self.blob_of(blob, entries.next().ok_or_else(corrupt)?)?,
            });
        }
        Ok(out)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, at: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.u16()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

/// The advisories of the given packages, each loaded once (blob number → advisory).
pub fn load_many<'a>(
    db: &Database,
    packages: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<HashMap<u32, Advisory>, DbError> {
    let mut out = HashMap::new();
    for (eco, name) in packages {
        for &b in db.lookup(eco, name) {
            if let std::collections::hash_map::Entry::Vacant(v) = out.entry(b) {
                v.insert(db.load(b)?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
