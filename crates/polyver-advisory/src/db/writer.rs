//! Writing the database: merging imported advisories into the stored ones (by mode), laying
//! out keys, table, catalog and blobs with their checksums, and replacing the file
//! atomically (temporary file, fsync, rename, directory fsync).

use super::{Database, DbError, EcosystemMeta, Meta, FORMAT, MAGIC, TABLE_ENTRY};
use crate::import::Imported;
use crate::osv::{base_ecosystem, normalize_name, Advisory};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// One advisory ready to be written.
pub(super) struct Entry {
    pub(super) id: String,
    pub(super) ecosystems: BTreeSet<String>,
    pub(super) keys: BTreeSet<(String, String)>,
    pub(super) modified: String,
    pub(super) json: Vec<u8>,
}

pub(super) fn keys_of(a: &Advisory) -> BTreeSet<(String, String)> {
    a.affected
        .iter()
        .filter_map(|aff| aff.package.as_ref())
        .map(|p| {
            let eco = base_ecosystem(&p.ecosystem).to_string();
            let name = normalize_name(&eco, &p.name);
            (eco, name)
        })
        .collect()
}

pub(super) fn entry_of(a: &Advisory) -> Option<Entry> {
    let keys = keys_of(a);
    if keys.is_empty() {
        return None;
    }
    Some(Entry {
        id: a.id.clone(),
        ecosystems: keys.iter().map(|(e, _)| e.clone()).collect(),
        keys,
        modified: a.modified.clone(),
        json: serde_json::to_vec(a).ok()?,
    })
}

/// How imported advisories combine with the stored ones.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Add them; an advisory with the same id is replaced (`db import`).
    Merge,
    /// They are the complete set of these ecosystems: every stored advisory of them is
    /// dropped first (`db sync` of a full export, so deleted and withdrawn ones disappear).
    Replace(BTreeSet<String>),
}

/// Where the imported advisories came from, recorded per ecosystem.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub source: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Ecosystems touched even when no advisory was imported for them (an empty export).
    pub ecosystems: BTreeSet<String>,
}

/// What one write changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UpdateSummary {
    pub imported: usize,
    pub skipped: usize,
    pub withdrawn: usize,
    /// Advisories without any affected package (cannot match anything; not stored).
    pub without_package: usize,
    pub total: u64,
    pub ecosystems: Vec<String>,
}

/// Adds `imported` to the database at `path` (creating it), atomically.
pub fn update(
    path: &Path,
    imported: Imported,
    mode: Mode,
    origin: &Origin,
    now: u64,
) -> Result<UpdateSummary, DbError> {
    let (mut entries, mut meta) = match Database::open(path) {
        Ok(db) => (db.entries()?, db.meta.ecosystems.clone()),
        Err(DbError::Missing(_)) => (Vec::new(), BTreeMap::new()),
        Err(e) => return Err(e),
    };
    let mut summary = UpdateSummary {
        skipped: imported.warnings.len(),
        withdrawn: imported.withdrawn,
        ..UpdateSummary::default()
    };
    let mut incoming = Vec::with_capacity(imported.advisories.len());
    for a in &imported.advisories {
        match entry_of(a) {
            Some(e) => incoming.push(e),
            None => summary.without_package += 1,
        }
    }
    summary.imported = incoming.len();
    let mut touched: BTreeSet<String> = origin.ecosystems.clone();
    for e in &incoming {
        touched.extend(e.ecosystems.iter().cloned());
    }
    let new_ids: BTreeSet<&str> = incoming.iter().map(|e| e.id.as_str()).collect();
    entries.retain(|e| {
        !new_ids.contains(e.id.as_str())
            && match &mode {
                Mode::Merge => true,
                Mode::Replace(ecos) => e.ecosystems.is_disjoint(ecos),
            }
    });
    drop(new_ids);
    entries.extend(incoming);
    entries.sort_by(|a, b| a.id.cmp(&b.id));

    for eco in &touched {
        let m = meta.entry(eco.clone()).or_default();
        m.imported_at = now;
        m.source = origin.source.clone();
        m.etag = origin.etag.clone();
        m.last_modified = origin.last_modified.clone();
        m.withdrawn = imported.withdrawn;
        m.skipped = imported.warnings.len();
    }
    write(path, &entries, meta)?;
    summary.total = entries.len() as u64;
    summary.ecosystems = touched.into_iter().collect();
    Ok(summary)
}

/// Records new validators for ecosystems whose export did not change (`304 Not Modified`).
pub fn touch(path: &Path, ecosystems: &BTreeSet<String>, now: u64) -> Result<(), DbError> {
    let db = Database::open(path)?;
    let entries = db.entries()?;
    let mut meta = db.meta.ecosystems.clone();
    for eco in ecosystems {
        if let Some(m) = meta.get_mut(eco) {
            m.imported_at = now;
        }
    }
    drop(db);
    write(path, &entries, meta)
}

pub(super) fn write(
    path: &Path,
    entries: &[Entry],
    mut ecosystems: BTreeMap<String, EcosystemMeta>,
) -> Result<(), DbError> {
    let io = |source: std::io::Error| DbError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Key index.
    let mut postings: BTreeMap<(&str, &str), Vec<u32>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        for (eco, name) in &e.keys {
            postings.entry((eco, name)).or_default().push(i as u32);
        }
    }
    for m in ecosystems.values_mut() {
        m.advisories = 0;
        m.packages = 0;
        m.newest_modified.clear();
    }
    for (eco, _) in postings.keys() {
        ecosystems.entry(eco.to_string()).or_default().packages += 1;
    }
    for e in entries {
        for eco in &e.ecosystems {
            let m = ecosystems.entry(eco.clone()).or_default();
            m.advisories += 1;
            if e.modified > m.newest_modified {
                m.newest_modified = e.modified.clone();
            }
        }
    }
    let mut keys = Vec::new();
    keys.extend_from_slice(&(postings.len() as u32).to_le_bytes());
    for ((eco, name), list) in &postings {
        put_str(&mut keys, eco);
        put_str(&mut keys, name);
        keys.extend_from_slice(&(list.len() as u32).to_le_bytes());
        for b in list {
            keys.extend_from_slice(&b.to_le_bytes());
        }
    }
    let mut table = Vec::with_capacity(entries.len() * TABLE_ENTRY as usize);
    let mut catalog = Vec::new();
    let mut offset = 0u64;
    for e in entries {
        table.extend_from_slice(&offset.to_le_bytes());
        table.extend_from_slice(&(e.json.len() as u32).to_le_bytes());
        table.extend_from_slice(&crc32fast::hash(&e.json).to_le_bytes());
        offset += e.json.len() as u64;
        put_str(&mut catalog, &e.id);
        put_str(&mut catalog, &e.modified);
        catalog.extend_from_slice(&(e.keys.len() as u32).to_le_bytes());
        for (eco, name) in &e.keys {
            put_str(&mut catalog, eco);
            put_str(&mut catalog, name);
        }
    }
    let meta = Meta {
        format: FORMAT,
        ecosystems,
        keys_len: keys.len() as u64,
        table_len: table.len() as u64,
        catalog_len: catalog.len() as u64,
        blobs_len: offset,
        keys_crc: crc32fast::hash(&keys),
        table_crc: crc32fast::hash(&table),
        catalog_crc: crc32fast::hash(&catalog),
    };
    let meta_json = serde_json::to_vec(&meta).map_err(|e| io(std::io::Error::other(e)))?;

    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        w.write_all(MAGIC)?;
        w.write_all(&(meta_json.len() as u64).to_le_bytes())?;
        w.write_all(&crc32fast::hash(&meta_json).to_le_bytes())?;
        w.write_all(&meta_json)?;
        w.write_all(&keys)?;
        w.write_all(&table)?;
        w.write_all(&catalog)?;
        for e in entries {
            w.write_all(&e.json)?;
        }
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = dir {
            // Make the rename itself durable (not supported everywhere; best effort).
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    // Names longer than 64 KiB do not exist in any registry; cut them rather than fail.
    let mut end = s.len().min(u16::MAX as usize);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..end]);
}
